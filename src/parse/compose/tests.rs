use super::*;
use crate::parse::yaml;

/// Builds `text`, expecting no issue.
fn model(text: &str) -> ComposeFile {
    let (file, issues) = build(&yaml::parse(text));
    assert_eq!(issues, [], "unexpected issues in:\n{text}");
    file
}

fn issues(text: &str) -> Vec<String> {
    build(&yaml::parse(text))
        .1
        .into_iter()
        .map(|i| format!("{} @ {:?}", i.message, &text[i.span.range()]))
        .collect()
}

/// The span of the `nth` occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, nth: usize) -> Span {
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in text"))
        .0;
    Span::new(start, start + needle.len())
}

fn text_of<'t>(text: &'t str, s: &Option<Spanned<String>>) -> Option<(&'t str, String)> {
    s.as_ref().map(|s| (&text[s.span.range()], s.value.clone()))
}

fn service<'f>(file: &'f ComposeFile, name: &str) -> &'f Service {
    file.service(name).expect("service")
}

#[test]
fn short_volumes_give_source_target_mode_and_kind_with_exact_spans() {
    // (item, source, target, kind, read_only, interpolated)
    type Row<'a> = (&'a str, Option<&'a str>, &'a str, VolumeType, bool, bool);
    #[rustfmt::skip]
    let table: &[Row] = &[
        ("/var/lib/data", None, "/var/lib/data", VolumeType::Volume, false, false),
        ("db-data:/var/lib/postgresql/data", Some("db-data"), "/var/lib/postgresql/data", VolumeType::Volume, false, false),
        ("./conf:/etc/app:ro", Some("./conf"), "/etc/app", VolumeType::Bind, true, false),
        ("/srv/logs:/var/log/app:z,rw", Some("/srv/logs"), "/var/log/app", VolumeType::Bind, false, false),
        ("~/cache:/cache", Some("~/cache"), "/cache", VolumeType::Bind, false, false),
        ("${DATA_PATH_HOST}/redis:/data", Some("${DATA_PATH_HOST}/redis"), "/data", VolumeType::Bind, false, true),
        ("${PGDATA:-./pg}:/var/lib/pg", Some("${PGDATA:-./pg}"), "/var/lib/pg", VolumeType::Bind, false, true),
        ("${VOL:-pgdata}:/var/lib/pg", Some("${VOL:-pgdata}"), "/var/lib/pg", VolumeType::Volume, false, true),
        ("${HOST_DIR}:/srv", Some("${HOST_DIR}"), "/srv", VolumeType::Bind, false, true),
        ("data_${ENV}:/srv", Some("data_${ENV}"), "/srv", VolumeType::Volume, false, true),
    ];
    for &(item, source, target, kind, read_only, interpolated) in table {
        let text = format!("services:\n  app:\n    volumes:\n      - \"{item}\"\n");
        let file = model(&text);
        let v = &service(&file, "app").volumes[0];
        assert_eq!(v.kind, kind, "{item}");
        assert!(!v.long);
        assert_eq!(v.read_only, read_only, "{item}");
        assert_eq!(v.source_interpolated, interpolated, "{item}");
        assert_eq!(
            text_of(&text, &v.source),
            source.map(|s| (s, s.to_string())),
            "{item}"
        );
        assert_eq!(
            text_of(&text, &v.target),
            Some((target, target.to_string())),
            "{item}"
        );
        assert_eq!(&text[v.span.range()], format!("\"{item}\""));
    }
}

#[test]
fn short_volume_options_keep_their_spans() {
    let text = "services:\n  app:\n    volumes:\n      - ./configuration:/etc/netbox/config:z,ro\n";
    let file = model(text);
    let v = &service(&file, "app").volumes[0];
    let options: Vec<_> = v.options.iter().map(|o| &text[o.span.range()]).collect();
    assert_eq!(options, ["z", "ro"]);
    assert_eq!(v.options[1].span, find(text, "ro", 0));
    assert!(v.read_only);
}

#[test]
fn long_volumes_read_type_source_target_and_read_only() {
    let text = "\
services:
  app:
    volumes:
      - type: bind
        source: ./static
        target: /app/static
        read_only: true
      - type: volume
        source: media
        target: /app/media
      - type: tmpfs
        target: /tmp
      - type: npipe
        source: \\\\.\\pipe\\docker_engine
        target: \\\\.\\pipe\\docker_engine
";
    let file = model(text);
    let v = &service(&file, "app").volumes;
    let kinds: Vec<_> = v.iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [
            VolumeType::Bind,
            VolumeType::Volume,
            VolumeType::Tmpfs,
            VolumeType::Npipe
        ]
    );
    assert!(v.iter().all(|v| v.long));
    assert!(v[0].read_only && !v[1].read_only);
    assert_eq!(
        v[0].source.as_ref().unwrap().span,
        find(text, "./static", 0)
    );
    assert_eq!(
        v[1].target.as_ref().unwrap().span,
        find(text, "/app/media", 0)
    );
    assert_eq!(v[2].source, None);
    assert_eq!(
        &text[v[2].span.range()],
        "type: tmpfs\n        target: /tmp"
    );
}

#[test]
fn short_ports_cover_every_form_with_exact_spans() {
    // (item, host_ip, published, target, protocol, on all interfaces)
    type Row<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        bool,
    );
    #[rustfmt::skip]
    let table: &[Row] = &[
        ("80", None, None, "80", None, true),
        ("8080:80", None, Some("8080"), "80", None, true),
        ("127.0.0.1:8080:80", Some("127.0.0.1"), Some("8080"), "80", None, false),
        ("0.0.0.0:8080:80", Some("0.0.0.0"), Some("8080"), "80", None, true),
        ("[::1]:8080:80", Some("[::1]"), Some("8080"), "80", None, false),
        ("8080-8081:80-81", None, Some("8080-8081"), "80-81", None, true),
        ("53:53/udp", None, Some("53"), "53", Some("udp"), true),
        ("127.0.0.1::5432", Some("127.0.0.1"), Some(""), "5432", None, false),
        ("${BIND:-127.0.0.1}:${PORT}:80", Some("${BIND:-127.0.0.1}"), Some("${PORT}"), "80", None, false),
    ];
    for &(item, ip, published, target, protocol, all) in table {
        let text = format!("services:\n  app:\n    ports:\n      - \"{item}\"\n");
        let file = model(&text);
        let p = &service(&file, "app").ports[0];
        let part = |s: &Option<Spanned<String>>| s.as_ref().map(|s| &text[s.span.range()]);
        assert_eq!(part(&p.host_ip), ip, "{item}");
        assert_eq!(part(&p.published), published, "{item}");
        assert_eq!(part(&p.target), Some(target), "{item}");
        assert_eq!(part(&p.protocol), protocol, "{item}");
        assert_eq!(p.published_on_all_interfaces(), all, "{item}");
        assert!(!p.long);
    }
    let text = "services:\n  app:\n    ports:\n      - \"[::1]:8080:80\"\n      - 9000\n";
    let file = model(text);
    let ports = &service(&file, "app").ports;
    assert_eq!(ports[0].host_ip.as_ref().unwrap().value, "::1");
    assert_eq!(ports[1].target.as_ref().unwrap().value, "9000");
    assert_eq!(
        ports[1].target.as_ref().unwrap().span,
        find(text, "9000", 0)
    );
}

#[test]
fn long_ports_read_every_field() {
    let text = "\
services:
  app:
    ports:
      - target: 80
        published: \"8080\"
        host_ip: 127.0.0.1
        protocol: tcp
        mode: host
      - target: 443
        published: 8443
";
    let file = model(text);
    let p = &service(&file, "app").ports;
    assert!(p[0].long);
    assert_eq!(p[0].target.as_ref().unwrap().span, find(text, "80", 0));
    assert_eq!(p[0].published.as_ref().unwrap().value, "8080");
    assert_eq!(
        p[0].published.as_ref().unwrap().span,
        find(text, "\"8080\"", 0)
    );
    assert_eq!(p[0].mode.as_ref().unwrap().value, "host");
    assert!(!p[0].published_on_all_interfaces());
    assert!(p[1].published_on_all_interfaces());
}

#[test]
fn environment_map_and_list_give_names_values_and_passthroughs() {
    let text = "\
services:
  map:
    environment:
      DEBUG: \"false\"
      WORKERS: 3
      PASSTHROUGH:
      EMPTY: ''
  list:
    environment:
      - DEBUG=false
      - PASSTHROUGH
      - EMPTY=
      - \"QUOTED=a b\"
";
    let file = model(text);
    let map = &service(&file, "map").environment;
    let got: Vec<_> = map
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("DEBUG", Some("false")),
            ("WORKERS", Some("3")),
            ("PASSTHROUGH", None),
            ("EMPTY", Some("")),
        ]
    );
    assert_eq!(map[0].name_span, find(text, "DEBUG", 0));
    assert_eq!(map[0].value_span, Some(find(text, "\"false\"", 0)));
    assert_eq!(map[0].span, find(text, "DEBUG: \"false\"", 0));
    assert_eq!(map[2].value_span, None);
    assert_eq!(map[2].span, find(text, "PASSTHROUGH", 0));

    let list = &service(&file, "list").environment;
    let got: Vec<_> = list
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("DEBUG", Some("false")),
            ("PASSTHROUGH", None),
            ("EMPTY", Some("")),
            ("QUOTED", Some("a b")),
        ]
    );
    assert_eq!(list[0].name_span, find(text, "DEBUG", 1));
    assert_eq!(list[0].value_span, Some(find(text, "false", 1)));
    assert_eq!(
        list[2].value_span,
        Some(Span::empty(find(text, "EMPTY=", 0).end))
    );
    assert_eq!(list[3].name_span, find(text, "QUOTED", 0));
    assert_eq!(list[3].value_span, Some(find(text, "a b", 0)));
    assert!(list.iter().all(|v| v.via_alias.is_none()));
}

#[test]
fn environment_from_anchors_and_merges_points_at_the_anchor_and_the_alias() {
    // The shape of the seeds' production files: a shared block merged into each service.
    let text = "\
x-backend-env: &backend-env
  DJANGO_SETTINGS_MODULE: app.settings.production
  SECRET_KEY: ${SECRET_KEY:-prod-secret-key-change-it}
services:
  backend:
    environment:
      <<: *backend-env
      GUNICORN_WORKERS: 3
  celery:
    environment: *backend-env
  beat:
    environment:
      <<: *backend-env
      SECRET_KEY: ${SECRET_KEY:?required}
";
    let file = model(text);
    let backend = &service(&file, "backend").environment;
    let names: Vec<_> = backend.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        ["GUNICORN_WORKERS", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"]
    );
    let secret = service(&file, "backend").env("SECRET_KEY").unwrap();
    assert_eq!(secret.name_span, find(text, "SECRET_KEY", 0));
    assert_eq!(
        secret.value_span,
        Some(find(text, "${SECRET_KEY:-prod-secret-key-change-it}", 0))
    );
    assert_eq!(secret.via_alias, Some(find(text, "*backend-env", 0)));
    assert_eq!(backend[0].via_alias, None);

    let celery = service(&file, "celery").env("SECRET_KEY").unwrap();
    assert_eq!(celery.via_alias, Some(find(text, "*backend-env", 1)));
    assert_eq!(celery.value_span, secret.value_span);

    // A key written in the service wins over the merged one.
    let beat = service(&file, "beat").env("SECRET_KEY").unwrap();
    assert_eq!(beat.value.as_deref(), Some("${SECRET_KEY:?required}"));
    assert_eq!(beat.via_alias, None);

    let located = secret.located(text).unwrap();
    let expr = located.template.exprs()[0].clone();
    assert_eq!(
        &text[located.file_span(expr.span).range()],
        "${SECRET_KEY:-prod-secret-key-change-it}"
    );
}

#[test]
fn whole_services_merged_from_another_keep_their_fields() {
    let text = "\
services:
  netbox: &netbox
    image: netbox:v4
    env_file: env/netbox.env
  worker:
    <<: *netbox
    command: [rqworker]
";
    let file = model(text);
    let worker = service(&file, "worker");
    assert_eq!(
        worker.image.as_ref().unwrap().span,
        find(text, "netbox:v4", 0)
    );
    assert_eq!(worker.env_file[0].path.value, "env/netbox.env");
    assert_eq!(worker.env_file[0].via_alias, Some(find(text, "*netbox", 0)));
    assert!(worker.has_key("image") && worker.has_key("command"));
}

#[test]
fn env_file_forms() {
    let text = "\
services:
  one:
    env_file: .env
  many:
    env_file:
      - common.env
      - path: ./local.env
        required: false
      - path: prod.env
        required: true
";
    let file = model(text);
    let one = &service(&file, "one").env_file;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].path.span, find(text, ".env", 0));
    assert!(one[0].required);
    let many = &service(&file, "many").env_file;
    let got: Vec<_> = many
        .iter()
        .map(|e| (e.path.value.as_str(), e.required))
        .collect();
    assert_eq!(
        got,
        [
            ("common.env", true),
            ("./local.env", false),
            ("prod.env", true)
        ]
    );
    assert_eq!(many[1].path.span, find(text, "./local.env", 0));
}

#[test]
fn depends_on_forms() {
    let text = "\
services:
  a:
    depends_on: [db, redis]
  b:
    depends_on:
      db:
        condition: service_healthy
        restart: true
      migrate:
        condition: service_completed_successfully
        required: false
";
    let file = model(text);
    let a = &service(&file, "a").depends_on;
    let names: Vec<_> = a
        .iter()
        .map(|d| (d.service.as_str(), d.condition()))
        .collect();
    assert_eq!(
        names,
        [("db", "service_started"), ("redis", "service_started")]
    );
    assert_eq!(a[1].service.span, find(text, "redis", 0));
    let b = &service(&file, "b").depends_on;
    assert_eq!(b[0].condition(), "service_healthy");
    assert_eq!(b[0].restart.as_ref().unwrap().value, Some(true));
    assert_eq!(b[1].service.span, find(text, "migrate", 0));
    assert_eq!(b[1].required.as_ref().unwrap().value, Some(false));
    assert_eq!(
        b[1].condition.as_ref().unwrap().span,
        find(text, "service_completed_successfully", 0)
    );
}

#[test]
fn healthchecks_read_tests_timings_and_disabling() {
    let text = "\
services:
  db:
    healthcheck:
      test: [\"CMD-SHELL\", \"pg_isready -U app\"]
      interval: 10s
      retries: $RETRIES
  web:
    healthcheck:
      test: curl -f http://localhost/ || exit 1
  off:
    healthcheck:
      disable: true
  none:
    healthcheck:
      test: [\"NONE\"]
";
    let file = model(text);
    let db = service(&file, "db").healthcheck.as_ref().unwrap();
    let argv: Vec<_> = db
        .test
        .as_ref()
        .unwrap()
        .argv
        .iter()
        .map(|w| w.as_str())
        .collect();
    assert_eq!(argv, ["CMD-SHELL", "pg_isready -U app"]);
    assert_eq!(db.interval.as_ref().unwrap().span, find(text, "10s", 0));
    assert_eq!(db.retries.as_ref().unwrap().value, "$RETRIES");
    assert!(!db.is_disabled());
    let web = service(&file, "web").healthcheck.as_ref().unwrap();
    let test = web.test.as_ref().unwrap();
    assert!(test.string_form);
    assert_eq!(test.argv.len(), 1);
    assert!(service(&file, "off")
        .healthcheck
        .as_ref()
        .unwrap()
        .is_disabled());
    assert!(service(&file, "none")
        .healthcheck
        .as_ref()
        .unwrap()
        .is_disabled());
}

#[test]
fn build_as_string_or_mapping() {
    let text = "\
services:
  a:
    build: ./backend
  b:
    build:
      context: ./frontend
      dockerfile: docker/Dockerfile.prod
      target: runtime
      args:
        - VERSION=1.2
  c:
    build:
      dockerfile: Containerfile
";
    let file = model(text);
    let a = service(&file, "a").build.as_ref().unwrap();
    assert_eq!(a.context(), "./backend");
    assert_eq!(a.dockerfile(), "Dockerfile");
    assert_eq!(a.context.as_ref().unwrap().span, find(text, "./backend", 0));
    let b = service(&file, "b").build.as_ref().unwrap();
    assert_eq!(b.context(), "./frontend");
    assert_eq!(b.dockerfile(), "docker/Dockerfile.prod");
    assert_eq!(b.target.as_ref().unwrap().value, "runtime");
    assert_eq!(b.args[0].name, "VERSION");
    assert_eq!(b.args[0].value.as_deref(), Some("1.2"));
    let c = service(&file, "c").build.as_ref().unwrap();
    assert_eq!(c.context, None);
    assert_eq!(c.context(), ".");
}

#[test]
fn commands_split_strings_like_compose_and_keep_lists() {
    let text = "\
services:
  a:
    command: gunicorn app.wsgi -b \"0.0.0.0:8000\"
    entrypoint: [\"/entrypoint.sh\", \"--wait\"]
";
    let file = model(text);
    let a = service(&file, "a");
    let cmd = a.command.as_ref().unwrap();
    let argv: Vec<_> = cmd.argv.iter().map(|w| w.as_str()).collect();
    assert_eq!(argv, ["gunicorn", "app.wsgi", "-b", "0.0.0.0:8000"]);
    assert_eq!(cmd.argv[1].span, find(text, "app.wsgi", 0));
    assert!(cmd.string_form);
    let ep = a.entrypoint.as_ref().unwrap();
    assert!(!ep.string_form);
    assert_eq!(ep.argv[0].span, find(text, "\"/entrypoint.sh\"", 0));
}

#[test]
fn extends_and_other_service_fields() {
    let text = "\
services:
  a:
    extends:
      file: common.yml
      service: base
    user: \"1000:1000\"
    privileged: true
    read_only: \"${RO}\"
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    profiles: [debug]
    restart: unless-stopped
    container_name: app
    working_dir: /app
    init: true
    stop_grace_period: 30s
    network_mode: host
    logging:
      driver: json-file
      options:
        max-size: 10m
    labels:
      traefik.enable: \"true\"
    deploy:
      replicas: 2
      resources:
        limits:
          memory: 512M
      restart_policy:
        condition: on-failure
    secrets:
      - db_password
      - source: api_key
        target: /etc/api_key
    networks:
      backend:
        aliases: [api]
  b:
    extends: a
    networks: [front]
";
    let file = model(text);
    let a = service(&file, "a");
    let ext = a.extends.as_ref().unwrap();
    assert_eq!(ext.service.value, "base");
    assert_eq!(ext.file.as_ref().unwrap().span, find(text, "common.yml", 0));
    assert_eq!(a.user.as_ref().unwrap().value, "1000:1000");
    assert!(a.is_privileged());
    assert_eq!(a.read_only.as_ref().unwrap().value, None);
    assert_eq!(a.cap_add[0].value, "NET_ADMIN");
    assert_eq!(a.cap_drop[0].span, find(text, "ALL", 0));
    assert_eq!(a.profiles[0].value, "debug");
    assert_eq!(a.restart.as_ref().unwrap().value, "unless-stopped");
    assert_eq!(a.init.as_ref().unwrap().value, Some(true));
    assert_eq!(a.network_mode.as_ref().unwrap().value, "host");
    let logging = a.logging.as_ref().unwrap();
    assert_eq!(logging.driver.as_ref().unwrap().value, "json-file");
    assert_eq!(logging.options[0].name, "max-size");
    assert_eq!(a.labels[0].name, "traefik.enable");
    let deploy = a.deploy.as_ref().unwrap();
    assert_eq!(deploy.replicas.as_ref().unwrap().value, "2");
    assert_eq!(
        deploy
            .limits
            .as_ref()
            .unwrap()
            .memory
            .as_ref()
            .unwrap()
            .value,
        "512M"
    );
    assert!(deploy.reservations.is_none());
    assert_eq!(
        deploy
            .restart_policy
            .as_ref()
            .unwrap()
            .condition
            .as_ref()
            .unwrap()
            .value,
        "on-failure"
    );
    assert_eq!(
        a.secrets[0].container_path(ResourceKind::Secret),
        "/run/secrets/db_password"
    );
    assert_eq!(
        a.secrets[1].container_path(ResourceKind::Secret),
        "/etc/api_key"
    );
    assert_eq!(a.networks[0].name.value, "backend");
    assert_eq!(a.networks[0].aliases[0].value, "api");
    let b = service(&file, "b");
    assert_eq!(b.extends.as_ref().unwrap().service.value, "a");
    assert_eq!(b.extends.as_ref().unwrap().file, None);
    assert_eq!(b.networks[0].name.span, find(text, "front", 0));
}

#[test]
fn top_level_sections_and_extensions() {
    let text = "\
name: shop
x-defaults: &defaults
  restart: always
include:
  - infra/compose.yml
  - path: [a.yml, b.yml]
    project_directory: .
    env_file: a.env
services:
  web:
    <<: *defaults
    image: nginx
volumes:
  db-data:
  media:
    external: true
networks:
  front:
    driver: bridge
secrets:
  db_password:
    file: ./secrets/db_password.txt
  api_key:
    environment: API_KEY
configs:
  nginx:
    file: ./nginx.conf
";
    let file = model(text);
    assert_eq!(file.name.as_ref().unwrap().value, "shop");
    assert_eq!(file.extensions[0].value, "x-defaults");
    assert_eq!(file.services.len(), 1);
    assert_eq!(
        service(&file, "web").restart.as_ref().unwrap().value,
        "always"
    );
    let volumes: Vec<_> = file
        .volumes
        .iter()
        .map(|v| (v.name.as_str(), v.is_external()))
        .collect();
    assert_eq!(volumes, [("db-data", false), ("media", true)]);
    assert_eq!(file.volumes[0].span, find(text, "db-data", 0));
    assert_eq!(file.networks[0].driver.as_ref().unwrap().value, "bridge");
    assert_eq!(
        file.secrets[0].file.as_ref().unwrap().value,
        "./secrets/db_password.txt"
    );
    assert_eq!(
        file.secrets[1].environment.as_ref().unwrap().value,
        "API_KEY"
    );
    assert_eq!(file.configs[0].name.value, "nginx");
    assert_eq!(file.include.len(), 2);
    assert_eq!(file.include[0].paths[0].value, "infra/compose.yml");
    let paths: Vec<_> = file.include[1].paths.iter().map(|p| p.as_str()).collect();
    assert_eq!(paths, ["a.yml", "b.yml"]);
    assert_eq!(file.include[1].env_files[0].value, "a.env");
    assert_eq!(
        file.include[1].project_directory.as_ref().unwrap().value,
        "."
    );
}

#[test]
fn unknown_keys_are_reported_with_the_nearest_known_key() {
    let text =
        "services:\n  web:\n    image: nginx\n    enviroment:\n      A: 1\n    x-note: fine\n";
    assert_eq!(
        issues(text),
        ["`services.web` has an unknown key `enviroment` (did you mean `environment`?) @ \"enviroment\""]
    );
    assert_eq!(
        issues("services:\n  web:\n    env-file: a.env\n    frobnicate: 1\n"),
        [
            "`services.web` has an unknown key `env-file` (did you mean `env_file`?) @ \"env-file\"",
            "`services.web` has an unknown key `frobnicate` @ \"frobnicate\"",
        ]
    );
    assert_eq!(
        issues("servces:\n  web:\n    image: nginx\n"),
        ["unknown top-level key `servces` (did you mean `services`?) @ \"servces\""]
    );
    assert_eq!(
        issues("services:\n  web:\n    healthcheck:\n      intervall: 5s\n"),
        ["`services.web.healthcheck` has an unknown key `intervall` (did you mean `interval`?) @ \"intervall\""]
    );
}

#[test]
fn values_of_the_wrong_shape_are_reported_once_at_the_value() {
    #[rustfmt::skip]
    let table: &[(&str, &str)] = &[
        ("ports: 80", "`services.web.ports` must be a list, not a single value @ \"80\""),
        ("environment: 5", "`services.web.environment` must be a list or a mapping, not a single value @ \"5\""),
        ("volumes: {a: b}", "`services.web.volumes` must be a list, not a mapping @ \"{a: b}\""),
        ("image: [nginx]", "`services.web.image` must be a single value, not a list @ \"[nginx]\""),
        ("depends_on: db", "`services.web.depends_on` must be a list or a mapping, not a single value @ \"db\""),
        ("build: [.]", "`services.web.build` must be a string or a mapping, not a list @ \"[.]\""),
        ("environment: {A: [1]}", "`services.web.environment.A` must be a single value, not a list @ \"[1]\""),
        ("ports: [[80]]", "`services.web.ports[0]` must be a string or a mapping, not a list @ \"[80]\""),
        ("volumes: ['ab:cd:ef:gh']", "invalid volume in `services.web.volumes[0]`: too many colons @ \"'ab:cd:ef:gh'\""),
    ];
    for &(line, expected) in table {
        let text = format!("services:\n  web:\n    {line}\n");
        assert_eq!(issues(&text), [expected], "{line}");
    }
    // Null is "not set", and interpolated scalars are checked by Compose after interpolation.
    assert_eq!(
        issues("services:\n  web:\n    ports:\n    environment: ~\n    privileged: ${P}\n    volumes: ['${A}:bc:de:fg']\n"),
        Vec::<String>::new()
    );
    // A mistake in an anchor shared by two services is reported once.
    let text = "x-p: &p 80\nservices:\n  a:\n    ports: *p\n  b:\n    ports: *p\n";
    assert_eq!(
        issues(text),
        ["`services.a.ports` must be a list, not a single value @ \"80\""]
    );
    assert_eq!(
        issues("- services\n"),
        ["a Compose file must be a mapping of top-level keys such as `services` @ \"- services\""]
    );
}

#[test]
fn interpolations_skip_keys_and_count_anchored_values_once() {
    let text = "\
x-env: &env
  SECRET_KEY: ${SECRET_KEY:-insecure}
  URL: \"postgres://${DB_USER}:${DB_PASSWORD:?set it}@db/${DB_NAME-app}\"
services:
  web:
    environment:
      <<: *env
      ${NOT_A_VAR}: x
    image: \"app:${TAG:-${DEFAULT_TAG}}\"
    command: echo $$HOME
  worker:
    environment: *env
";
    let uses = interpolations(&yaml::parse(text));
    let got: Vec<_> = uses
        .iter()
        .map(|u| {
            (
                u.name.as_str(),
                &text[u.span.range()],
                u.default.as_deref(),
                u.required,
                u.in_service.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "SECRET_KEY",
                "${SECRET_KEY:-insecure}",
                Some("insecure"),
                false,
                None
            ),
            ("DB_USER", "${DB_USER}", None, false, None),
            ("DB_PASSWORD", "${DB_PASSWORD:?set it}", None, true, None),
            ("DB_NAME", "${DB_NAME-app}", Some("app"), false, None),
            ("TAG", "${TAG:-${DEFAULT_TAG}}", None, false, Some("web")),
            ("DEFAULT_TAG", "${DEFAULT_TAG}", None, false, Some("web")),
        ]
    );
    assert_eq!(uses[0].name_span, find(text, "SECRET_KEY", 1));
    assert!(uses.iter().all(|u| u.exact));
    assert_eq!(uses[3].op, Op::DefaultUnset);
}

#[test]
fn interpolations_in_escaped_scalars_point_at_the_whole_scalar() {
    let text = "services:\n  web:\n    image: \"a\\tb${TAG}\"\n";
    let uses = interpolations(&yaml::parse(text));
    assert_eq!(uses.len(), 1);
    assert!(!uses[0].exact);
    assert_eq!(uses[0].span, find(text, "\"a\\tb${TAG}\"", 0));
}

#[test]
fn services_named_x_and_invalid_names() {
    let text = "services:\n  x-template: {image: a}\n  \"my web\": {image: b}\n";
    let (file, found) = build(&yaml::parse(text));
    assert_eq!(file.services.len(), 1);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("`my web`"));
}

#[test]
fn multi_document_files_contribute_every_document() {
    let text = "services:\n  a: {image: x}\n---\nservices:\n  b: {image: y}\n";
    let file = model(text);
    let names: Vec<_> = file.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn reset_keys_are_unset_and_override_keys_are_kept_and_recorded() {
    let text = "\
services:
  web:
    extends: base
    ports: !reset []
    healthcheck: !reset {}
    command: !reset null
    environment: !override
      MODE: prod
      DEBUG: !reset null
";
    let file = model(text);
    let web = &file.services[0];
    assert!(web.ports.is_empty() && web.healthcheck.is_none() && web.command.is_none());
    let reset: Vec<&str> = web.reset.iter().map(|k| k.value.as_str()).collect();
    assert_eq!(reset, ["ports", "healthcheck", "command"]);
    assert!(!web.has_key("ports") && web.has_key("environment"));
    assert_eq!(
        web.env("MODE").and_then(|v| v.value.as_deref()),
        Some("prod")
    );
    assert!(web.env("DEBUG").is_none());
    assert_eq!(web.reset_environment[0].value, "DEBUG");
    let replaced: Vec<&str> = web.replaced_keys().collect();
    assert_eq!(replaced, ["ports", "healthcheck", "command", "environment"]);
    assert_eq!(web.reset[0].span, find(text, "ports", 0));

    let mut base =
        model("services:\n  b:\n    image: a\n    ports: [\"80:80\"]\n").services[0].clone();
    base.clear("ports");
    assert!(base.ports.is_empty() && !base.has_key("ports") && base.image.is_some());
}
