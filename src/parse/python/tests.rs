use super::*;

/// The span of the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    Span::new(start, start + needle.len())
}

/// The span of the `n`th (0-based) occurrence of `needle`.
fn nth(text: &str, needle: &str, n: usize) -> Span {
    let (start, _) = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle:?} #{n} not in text"));
    Span::new(start, start + needle.len())
}

fn parse_ok(text: &str) -> SettingsModule {
    let (module, issues) = parse_settings(text);
    assert!(issues.is_empty(), "unexpected issues: {issues:?}");
    module
}

fn value<'m>(m: &'m SettingsModule, name: &str) -> &'m Value {
    &m.get(name)
        .unwrap_or_else(|| panic!("{name} not modelled"))
        .value
        .value
}

fn env_of<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// A value's content without spans, for comparing models of different texts.
fn shape(v: &Value) -> String {
    let each = |items: &[Spanned<Value>]| {
        items
            .iter()
            .map(|i| shape(&i.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match v {
        Value::List(items) => format!("[{}]", each(items)),
        Value::Tuple(items) => format!("({})", each(items)),
        Value::Dict(items) => format!(
            "{{{}}}",
            items
                .iter()
                .map(|(k, v)| format!("{}: {}", shape(&k.value), shape(&v.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => format!("{other:?}"),
    }
}

fn strs(v: &Value) -> Vec<String> {
    v.as_list()
        .unwrap_or_else(|| panic!("not a list: {v:?}"))
        .iter()
        .map(|i| i.value.as_str().unwrap_or("<non-str>").to_string())
        .collect()
}

#[test]
fn literals_and_containers_keep_their_spans() {
    let text = r#"
DEBUG = False
PORT = 8000
RATIO = 0.5
NOTHING = None
SECRET_KEY = "django-insecure-abc"
ALLOWED_HOSTS = ["example.com", 'www.example.com']
ADMINS = (("Ops", "ops@example.com"),)
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60}}
"#;
    let m = parse_ok(text);
    let cases: &[(&str, Value, &str)] = &[
        ("DEBUG", Value::Bool(false), "False"),
        ("PORT", Value::Int(8000), "8000"),
        ("RATIO", Value::Float(0.5), "0.5"),
        ("NOTHING", Value::None, "None"),
        (
            "SECRET_KEY",
            Value::Str("django-insecure-abc".into()),
            "\"django-insecure-abc\"",
        ),
    ];
    for (name, expected, source) in cases {
        let s = m.get(name).unwrap();
        assert_eq!(&s.value.value, expected, "{name}");
        assert_eq!(s.value.span, at(text, source), "{name} value span");
        let name_at = at(text, &format!("{name} =")).start;
        assert_eq!(s.name_span, Span::new(name_at, name_at + name.len()));
        assert_eq!(s.provenance, Provenance::Literal, "{name}");
    }
    let hosts = m.get("ALLOWED_HOSTS").unwrap();
    assert_eq!(strs(&hosts.value.value), ["example.com", "www.example.com"]);
    let items = hosts.value.value.as_list().unwrap();
    assert_eq!(items[1].span, at(text, "'www.example.com'"));
    let admins = value(&m, "ADMINS").as_list().unwrap();
    assert_eq!(strs(&admins[0].value), ["Ops", "ops@example.com"]);
    let db = value(&m, "DATABASES").dict_get("default").unwrap();
    assert_eq!(
        db.value.dict_get("ENGINE").unwrap().value.as_str(),
        Some("django.db.backends.postgresql")
    );
    assert_eq!(
        db.value.dict_get("CONN_MAX_AGE").unwrap().span,
        at(text, "60")
    );
    let names: Vec<&str> = m.settings.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "DEBUG",
            "PORT",
            "RATIO",
            "NOTHING",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "ADMINS",
            "DATABASES"
        ]
    );
}

#[test]
fn chained_annotated_and_unpacked_assignments() {
    let text = "A = B = 'x'\nC: int = 3\nD, E = 1, 'two'\nlowercase = 5\nF = lowercase\n";
    let m = parse_ok(text);
    assert_eq!(value(&m, "A"), &Value::Str("x".into()));
    assert_eq!(value(&m, "B"), &Value::Str("x".into()));
    assert_eq!(value(&m, "C"), &Value::Int(3));
    assert_eq!(value(&m, "D"), &Value::Int(1));
    assert_eq!(m.get("E").unwrap().value.span, at(text, "'two'"));
    assert!(
        m.get("lowercase").is_none(),
        "only UPPERCASE names are settings"
    );
    assert_eq!(value(&m, "F"), &Value::Int(5));
}

struct EnvCase {
    code: &'static str,
    name: &'static str,
    default: Option<Value>,
    required: bool,
    cast: Cast,
    library: EnvLibrary,
    plain: bool,
}

#[test]
fn every_env_library_form_gives_name_default_and_cast() {
    use Cast as C;
    use EnvLibrary as L;
    let case = |code, name, default, required, cast, library, plain| EnvCase {
        code,
        name,
        default,
        required,
        cast,
        library,
        plain,
    };
    let s = |v: &str| Some(Value::Str(v.into()));
    let cases = [
        case(
            "os.environ.get('X_KEY', 'dflt')",
            "X_KEY",
            s("dflt"),
            false,
            C::Str,
            L::Os,
            true,
        ),
        case(
            "os.environ.get('X_KEY')",
            "X_KEY",
            None,
            false,
            C::Str,
            L::Os,
            true,
        ),
        case(
            "os.getenv('X_KEY', 'dflt')",
            "X_KEY",
            s("dflt"),
            false,
            C::Str,
            L::Os,
            true,
        ),
        case(
            "os.getenv('X_KEY', default='d')",
            "X_KEY",
            s("d"),
            false,
            C::Str,
            L::Os,
            true,
        ),
        case(
            "os.environ['X_KEY']",
            "X_KEY",
            None,
            true,
            C::Str,
            L::Os,
            false,
        ),
        case(
            "os.environ.setdefault('X_KEY', 'v')",
            "X_KEY",
            s("v"),
            false,
            C::Str,
            L::Os,
            true,
        ),
        case(
            "environ.get('X_KEY', 'd')",
            "X_KEY",
            s("d"),
            false,
            C::Str,
            L::Os,
            true,
        ),
        case("getenv('X_KEY')", "X_KEY", None, false, C::Str, L::Os, true),
        case(
            "env('X_KEY')",
            "X_KEY",
            None,
            true,
            C::Str,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env('X_KEY', default='d')",
            "X_KEY",
            s("d"),
            false,
            C::Str,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env('X_KEY', int, 5)",
            "X_KEY",
            Some(Value::Int(5)),
            false,
            C::Int,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.str('X_KEY', 'd')",
            "X_KEY",
            s("d"),
            false,
            C::Str,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.bool('X_KEY', default=False)",
            "X_KEY",
            Some(Value::Bool(false)),
            false,
            C::Bool,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.int('X_KEY', default=3)",
            "X_KEY",
            Some(Value::Int(3)),
            false,
            C::Int,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.float('X_KEY', 0.5)",
            "X_KEY",
            Some(Value::Float(0.5)),
            false,
            C::Float,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.list('X_KEY', default=[])",
            "X_KEY",
            Some(Value::List(vec![])),
            false,
            C::List,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.json('X_KEY', default={})",
            "X_KEY",
            Some(Value::Dict(vec![])),
            false,
            C::Json,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.db_url('X_KEY')",
            "X_KEY",
            None,
            true,
            C::DbUrl,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.db()",
            "DATABASE_URL",
            None,
            true,
            C::DbUrl,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.cache_url(default='locmem://')",
            "CACHE_URL",
            s("locmem://"),
            false,
            C::CacheUrl,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env.url('X_KEY', 'http://x')",
            "X_KEY",
            s("http://x"),
            false,
            C::Url,
            L::DjangoEnviron,
            false,
        ),
        case(
            "env('SCHEMED')",
            "SCHEMED",
            Some(Value::Bool(false)),
            false,
            C::Bool,
            L::DjangoEnviron,
            false,
        ),
        case(
            "config('X_KEY')",
            "X_KEY",
            None,
            true,
            C::Str,
            L::Decouple,
            false,
        ),
        case(
            "config('X_KEY', default='False', cast=bool)",
            "X_KEY",
            s("False"),
            false,
            C::Bool,
            L::Decouple,
            false,
        ),
        case(
            "config('X_KEY', default=5, cast=int)",
            "X_KEY",
            Some(Value::Int(5)),
            false,
            C::Int,
            L::Decouple,
            false,
        ),
        case(
            "config('X_KEY', default='a,b', cast=Csv())",
            "X_KEY",
            s("a,b"),
            false,
            C::List,
            L::Decouple,
            false,
        ),
        case(
            "config('X_KEY', cast=Csv(post_process=tuple))",
            "X_KEY",
            None,
            true,
            C::Tuple,
            L::Decouple,
            false,
        ),
        case(
            "config('X_KEY', 'd', float)",
            "X_KEY",
            s("d"),
            false,
            C::Float,
            L::Decouple,
            false,
        ),
        case(
            "dj_database_url.config(default='sqlite:///db')",
            "DATABASE_URL",
            s("sqlite:///db"),
            false,
            C::DbUrl,
            L::DjDatabaseUrl,
            false,
        ),
        case(
            "dj_database_url.config(env='PG_URL')",
            "PG_URL",
            None,
            false,
            C::DbUrl,
            L::DjDatabaseUrl,
            false,
        ),
    ];
    let prelude = "import os\nfrom os import environ, getenv\nimport environ as environ_lib\n\
        import dj_database_url\nfrom decouple import config, Csv\n\
        env = environ_lib.Env(SCHEMED=(bool, False))\n";
    for c in &cases {
        let text = format!("{prelude}VALUE = {}\n", c.code);
        let m = parse_ok(&text);
        let Value::Env(l) = value(&m, "VALUE") else {
            panic!("{}: not an env read: {:?}", c.code, value(&m, "VALUE"));
        };
        assert_eq!(l.name, c.name, "{}", c.code);
        assert_eq!(
            l.default.as_ref().map(|d| &d.value),
            c.default.as_ref(),
            "{}",
            c.code
        );
        assert_eq!(l.required, c.required, "{}", c.code);
        assert_eq!(l.cast, c.cast, "{}", c.code);
        assert_eq!(l.library, c.library, "{}", c.code);
        assert_eq!(l.plain_os_get, c.plain, "{}", c.code);
        if c.code.contains(&format!("'{}'", c.name)) {
            assert_eq!(
                &text[l.name_span.range()],
                format!("'{}'", c.name),
                "{}",
                c.code
            );
        }
        assert!(
            m.env_reads.iter().any(|r| r.name == c.name),
            "{}: not in env_reads",
            c.code
        );
        let provenance = if c.default.is_some() {
            Provenance::EnvDefault
        } else {
            Provenance::Env
        };
        assert_eq!(m.get("VALUE").unwrap().provenance, provenance, "{}", c.code);
    }
}

#[test]
fn library_casts_apply_to_environment_text_and_decouple_defaults() {
    let text = "import os\nfrom decouple import config, Csv\nimport environ\nenv = environ.Env()\n\
        A = env.bool('A', default=False)\nB = config('B', default='False', cast=bool)\n\
        C = config('C', default='a, b', cast=Csv())\nD = env.list('D', default=[])\n\
        E = os.environ.get('E', 'False')\n";
    let m = parse_ok(text);
    let unset = |n: &str| value(&m, n).when_unset();
    assert_eq!(unset("A"), Value::Bool(false));
    assert_eq!(unset("B"), Value::Bool(false), "decouple casts its default");
    assert_eq!(strs(&unset("C")), ["a", "b"]);
    assert_eq!(unset("E"), Value::Str("False".into()));
    assert_eq!(
        unset("E").truthy(),
        Some(true),
        "a plain os read of 'False' is truthy"
    );
    let set = [("A", "yes"), ("B", "on"), ("D", "x.com,y.com")];
    let env = env_of(&set);
    assert_eq!(value(&m, "A").evaluate(&env), Value::Bool(true));
    assert_eq!(value(&m, "B").evaluate(&env), Value::Bool(true));
    assert_eq!(strs(&value(&m, "D").evaluate(&env)), ["x.com", "y.com"]);
}

#[test]
fn debug_compared_to_true_is_a_bool_derived_from_the_env_read() {
    let text = "import os\nDEBUG = os.environ.get(\"DEBUG\", \"False\") == \"True\"\n";
    let m = parse_ok(text);
    let Value::Derived(d) = value(&m, "DEBUG") else {
        panic!("not derived: {:?}", value(&m, "DEBUG"));
    };
    assert_eq!(d.lookup.name, "DEBUG");
    assert_eq!(
        d.lookup.default.as_ref().unwrap().value,
        Value::Str("False".into())
    );
    assert_eq!(
        d.steps,
        [Step::Compare {
            op: CmpOp::Eq,
            other: Value::Str("True".into()),
            env_on_left: true
        }]
    );
    let debug = value(&m, "DEBUG");
    assert_eq!(debug.when_unset(), Value::Bool(false));
    assert_eq!(
        debug.evaluate(&env_of(&[("DEBUG", "True")])),
        Value::Bool(true)
    );
    assert_eq!(
        debug.evaluate(&env_of(&[("DEBUG", "1")])),
        Value::Bool(false)
    );
    assert_eq!(m.get("DEBUG").unwrap().provenance, Provenance::EnvDefault);
}

#[test]
fn derived_expressions_follow_the_env_value() {
    type Case = (&'static str, &'static [(&'static str, &'static str)], Value);
    let cases: &[Case] = &[
        (
            "os.environ.get('D', '').lower() in ('1', 'true', 'yes')",
            &[("D", "TRUE")],
            Value::Bool(true),
        ),
        (
            "os.environ.get('D', '').lower() in ('1', 'true', 'yes')",
            &[],
            Value::Bool(false),
        ),
        ("not os.environ.get('D')", &[], Value::Bool(true)),
        (
            "bool(os.environ.get('D', ''))",
            &[("D", "False")],
            Value::Bool(true),
        ),
        ("int(os.environ.get('D', '5'))", &[], Value::Int(5)),
        (
            "int(os.environ.get('D', '5'))",
            &[("D", "12")],
            Value::Int(12),
        ),
        (
            "os.environ.get('D') or 'fallback'",
            &[],
            Value::Str("fallback".into()),
        ),
        (
            "'redis://' + os.environ.get('D', 'localhost') + ':6379'",
            &[],
            Value::Str("redis://localhost:6379".into()),
        ),
        (
            "f\"redis://{os.environ.get('D', 'cache')}:6379/0\"",
            &[("D", "r1")],
            Value::Str("redis://r1:6379/0".into()),
        ),
        (
            "os.environ.get('D', 'production') == 'production'",
            &[("D", "staging")],
            Value::Bool(false),
        ),
    ];
    for (code, env, expected) in cases {
        let text = format!("import os\nX = {code}\n");
        let m = parse_ok(&text);
        assert_eq!(
            &value(&m, "X").evaluate(&env_of(env)),
            expected,
            "{code} with {env:?}"
        );
    }
}

#[test]
fn split_of_an_env_string_is_a_list_derived_from_the_read() {
    let text = "import os\nALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS', 'localhost,127.0.0.1').split(',')\n\
        CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get('CSRF', '').split(',') if o]\n";
    let m = parse_ok(text);
    let Value::Derived(d) = value(&m, "ALLOWED_HOSTS") else {
        panic!("not derived");
    };
    assert_eq!(d.lookup.name, "ALLOWED_HOSTS");
    assert_eq!(d.steps, [Step::Split(Some(",".into()))]);
    assert_eq!(
        strs(&value(&m, "ALLOWED_HOSTS").when_unset()),
        ["localhost", "127.0.0.1"]
    );
    let hosts = value(&m, "ALLOWED_HOSTS").evaluate(&env_of(&[("ALLOWED_HOSTS", "*")]));
    assert_eq!(strs(&hosts), ["*"]);
    let csrf = value(&m, "CSRF_TRUSTED_ORIGINS");
    assert_eq!(strs(&csrf.when_unset()), Vec::<String>::new());
    assert_eq!(
        strs(&csrf.evaluate(&env_of(&[("CSRF", "https://a.io, https://b.io")]))),
        ["https://a.io", "https://b.io"]
    );
}

#[test]
fn base_dir_paths_from_pathlib_and_os_path() {
    let text = r#"
import os
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
OLD_BASE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_DIR = BASE_DIR / "logs"
STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")
MEDIA_ROOT = f"{BASE_DIR}/media/uploads"
ABS = Path("/var/log/app") / "app.log"
REL = os.path.join("logs", "x.log")
"#;
    let m = parse_ok(text);
    let path = |n: &str| match value(&m, n) {
        Value::Path(p) => p.clone(),
        other => panic!("{n} is not a path: {other:?}"),
    };
    assert_eq!(path("BASE_DIR").root, PathRoot::SettingsFile { parents: 2 });
    assert_eq!(path("OLD_BASE").root, PathRoot::SettingsFile { parents: 2 });
    assert_eq!(path("LOG_DIR").display(), "BASE_DIR/logs");
    assert_eq!(path("STATIC_ROOT").display(), "BASE_DIR/staticfiles");
    assert_eq!(path("MEDIA_ROOT").display(), "BASE_DIR/media/uploads");
    assert_eq!(path("ABS").display(), "/var/log/app/app.log");
    assert_eq!(value(&m, "REL"), &Value::Str("logs/x.log".into()));
    let resolved = resolve_path(value(&m, "LOG_DIR"), Some("/app")).unwrap();
    assert_eq!(resolved.path, "/app/logs");
    assert!(resolved.env_defaults.is_empty());
    assert_eq!(resolve_path(value(&m, "LOG_DIR"), None), None);
    assert_eq!(
        resolve_path(value(&m, "ABS"), None).unwrap().path,
        "/var/log/app/app.log"
    );
    assert_eq!(m.get("LOG_DIR").unwrap().provenance, Provenance::Computed);
}

/// The seed: an audit log handler writing below a directory no image creates.
const SEED_SETTINGS: &str = r#"
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = os.environ.get("DEBUG", "False") == "True"
log_dir = os.environ.get("AUDIT_LOG_DIR", "/var/log/korrigo")

LOGGING = {
    "version": 1,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "audit_file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": os.path.join(log_dir, "audit.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
        },
        "app_file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": BASE_DIR / "logs" / "app.log",
        },
    },
    "loggers": {"audit": {"handlers": ["audit_file"], "level": "INFO"}},
}
"#;

#[test]
fn seed_logging_handler_path_resolves_through_the_env_default() {
    let m = parse_ok(SEED_SETTINGS);
    let logging = value(&m, "LOGGING");
    let handler = logging
        .dict_get("handlers")
        .and_then(|h| h.value.dict_get("audit_file"))
        .unwrap();
    assert_eq!(
        handler.value.dict_get("class").unwrap().value.as_str(),
        Some("logging.handlers.RotatingFileHandler")
    );
    let filename = handler.value.dict_get("filename").unwrap();
    assert_eq!(
        filename.span,
        at(SEED_SETTINGS, "os.path.join(log_dir, \"audit.log\")")
    );
    let resolved = resolve_path(&filename.value, Some("/app")).unwrap();
    assert_eq!(resolved.path, "/var/log/korrigo/audit.log");
    assert_eq!(resolved.env_defaults.len(), 1);
    let lookup = &resolved.env_defaults[0];
    assert_eq!(lookup.name, "AUDIT_LOG_DIR");
    assert_eq!(
        lookup.default.as_ref().unwrap().span,
        at(SEED_SETTINGS, "\"/var/log/korrigo\"")
    );
    // The environment can move it.
    let moved = filename
        .value
        .evaluate(&env_of(&[("AUDIT_LOG_DIR", "/data/logs")]));
    assert_eq!(
        resolve_path(&moved, None).unwrap().path,
        "/data/logs/audit.log"
    );
    let app_file = logging
        .dict_get("handlers")
        .and_then(|h| h.value.dict_get("app_file"))
        .and_then(|h| h.value.dict_get("filename"))
        .unwrap();
    let app = resolve_path(&app_file.value, Some("/app")).unwrap();
    assert_eq!(app.path, "/app/logs/app.log");
    assert!(app.env_defaults.is_empty());
    assert_eq!(
        handler.value.dict_get("maxBytes").unwrap().value,
        Value::Int(10 * 1024 * 1024)
    );
    assert_eq!(m.get("LOGGING").unwrap().provenance, Provenance::Computed);
}

#[test]
fn in_place_changes_update_lists_and_dicts() {
    let text = r#"
INSTALLED_APPS = ["django.contrib.admin", "core"]
INSTALLED_APPS += ["exams"]
INSTALLED_APPS.append("grading")
INSTALLED_APPS.extend(["processing", "students"])
INSTALLED_APPS.insert(0, "whitenoise.runserver_nostatic")
INSTALLED_APPS.remove("core")
MIDDLEWARE = ["a"]
MIDDLEWARE = MIDDLEWARE + ["b"]
CACHES = {"default": {"BACKEND": "locmem"}}
CACHES["default"]["BACKEND"] = "redis"
CACHES["default"]["LOCATION"] = "redis://cache:6379"
CACHES.update({"sessions": {"BACKEND": "db"}})
DATABASES = {"default": {}}
DATABASES["default"].update(ENGINE="django.db.backends.postgresql")
"#;
    let m = parse_ok(text);
    let apps = m.get("INSTALLED_APPS").unwrap();
    assert_eq!(
        strs(&apps.value.value),
        [
            "whitenoise.runserver_nostatic",
            "django.contrib.admin",
            "exams",
            "grading",
            "processing",
            "students"
        ]
    );
    let items = apps.value.value.as_list().unwrap();
    assert_eq!(items[3].span, at(text, "\"grading\""));
    assert_eq!(apps.name_span, nth(text, "INSTALLED_APPS", 5));
    assert_eq!(
        apps.history,
        (0..5)
            .map(|i| nth(text, "INSTALLED_APPS", i))
            .collect::<Vec<_>>()
    );
    assert_eq!(strs(value(&m, "MIDDLEWARE")), ["a", "b"]);
    let caches = value(&m, "CACHES");
    let default = caches.dict_get("default").unwrap();
    assert_eq!(
        default.value.dict_get("BACKEND").unwrap().value.as_str(),
        Some("redis")
    );
    assert_eq!(
        default.value.dict_get("LOCATION").unwrap().span,
        at(text, "\"redis://cache:6379\"")
    );
    assert!(caches.dict_get("sessions").is_some());
    let db = value(&m, "DATABASES").dict_get("default").unwrap();
    assert_eq!(
        db.value.dict_get("ENGINE").unwrap().value.as_str(),
        Some("django.db.backends.postgresql")
    );
}

const BASE_PY: &str = r#"
import os
import environ
from pathlib import Path

env = environ.Env(DEBUG=(bool, True))
BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="dev-secret-key")
INSTALLED_APPS = ["django.contrib.admin", "core"]
ALLOWED_HOSTS = []
"#;

const PRODUCTION_PY: &str = r#"
from .base import *

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
INSTALLED_APPS += ["django_prometheus"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
STATIC_ROOT = BASE_DIR / "staticfiles"
"#;

#[test]
fn production_layered_on_base_overrides_and_appends() {
    let base = parse_ok(BASE_PY);
    let prod = parse_ok(PRODUCTION_PY);
    assert_eq!(
        prod.star_imports,
        [(
            ".base".to_string(),
            at(PRODUCTION_PY, "from .base import *")
        )]
    );
    // Alone, production.py cannot know what it extends.
    assert!(value(&prod, "INSTALLED_APPS").is_unknown());

    let m = layer(&base, &prod);
    assert_eq!(m.layer_count(), 2);
    assert_eq!(value(&m, "DEBUG"), &Value::Bool(false));
    let debug = m.get("DEBUG").unwrap();
    assert_eq!(m.locate(debug.name_span), (1, at(PRODUCTION_PY, "DEBUG")));
    assert_eq!(debug.history.len(), 1);
    assert_eq!(m.locate(debug.history[0]), (0, nth(BASE_PY, "DEBUG", 1)));

    let apps = m.get("INSTALLED_APPS").unwrap();
    assert_eq!(
        strs(&apps.value.value),
        ["django.contrib.admin", "core", "django_prometheus"]
    );
    let items = apps.value.value.as_list().unwrap();
    assert_eq!(
        m.locate(items[0].span),
        (0, at(BASE_PY, "\"django.contrib.admin\""))
    );
    assert_eq!(
        m.locate(items[2].span),
        (1, at(PRODUCTION_PY, "\"django_prometheus\""))
    );
    assert_eq!(
        m.locate(apps.history[0]),
        (0, at(BASE_PY, "INSTALLED_APPS"))
    );

    // `env` comes from base through the star import, with its scheme.
    let Value::Env(secret) = value(&m, "SECRET_KEY") else {
        panic!("SECRET_KEY not an env read");
    };
    assert!(secret.required);
    assert_eq!(secret.library, EnvLibrary::DjangoEnviron);
    let Value::Env(hosts) = value(&m, "ALLOWED_HOSTS") else {
        panic!("ALLOWED_HOSTS not an env read");
    };
    assert_eq!(hosts.cast, Cast::List);
    let Value::Path(static_root) = value(&m, "STATIC_ROOT") else {
        panic!("STATIC_ROOT not a path");
    };
    assert_eq!(static_root.display(), "BASE_DIR/staticfiles");
    assert_eq!(
        value(&m, "BASE_DIR"),
        &Value::Path(PathValue {
            root: PathRoot::SettingsFile { parents: 3 },
            parts: vec![]
        })
    );
    let names: Vec<&str> = m.settings.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "BASE_DIR",
            "DEBUG",
            "SECRET_KEY",
            "INSTALLED_APPS",
            "ALLOWED_HOSTS",
            "STATIC_ROOT"
        ]
    );
    assert!(m.env_reads.iter().any(|r| r.name == "ALLOWED_HOSTS"));
    assert!(m.env_reads.iter().any(|r| m.locate(r.name_span).0 == 0));
}

#[test]
fn three_layers_stack_in_order() {
    let base = parse_ok("A = 1\nB = [1]\n");
    let mid = parse_ok("from .base import *\nB += [2]\n");
    let top = parse_ok("from .mid import *\nB.append(3)\nA = 9\n");
    let m = layer(&layer(&base, &mid), &top);
    assert_eq!(m.layer_count(), 3);
    assert_eq!(value(&m, "A"), &Value::Int(9));
    let b = value(&m, "B").as_list().unwrap();
    let ints: Vec<i64> = b.iter().filter_map(|i| i.value.as_int()).collect();
    assert_eq!(ints, [1, 2, 3]);
    assert_eq!(m.locate(b[2].span).0, 2);
    assert_eq!(m.locate(b[1].span).0, 1);
}

#[test]
fn if_else_on_the_environment_gives_alternatives() {
    let text = r#"
import os
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
DEBUG = True
if DJANGO_ENV == "production":
    DEBUG = False
    ALLOWED_HOSTS = ["app.example.com"]
elif DJANGO_ENV == "staging":
    ALLOWED_HOSTS = ["staging.example.com"]
else:
    ALLOWED_HOSTS = ["*"]
if not DEBUG:
    SECURE_SSL_REDIRECT = True
"#;
    let m = parse_ok(text);
    let Value::Alternatives(alts) = value(&m, "DEBUG") else {
        panic!("DEBUG: {:?}", value(&m, "DEBUG"));
    };
    // One alternative per branch; the staging and else branches keep the earlier value.
    assert_eq!(alts.len(), 3);
    assert_eq!(alts[0].0.text, "DJANGO_ENV == \"production\"");
    assert_eq!(alts[0].0.span, at(text, "DJANGO_ENV == \"production\""));
    assert_eq!(alts[0].1.value, Value::Bool(false));
    assert_eq!(
        alts[1].0.text,
        "not (DJANGO_ENV == \"production\") and DJANGO_ENV == \"staging\""
    );
    assert_eq!(
        alts[2].0.text,
        "not (DJANGO_ENV == \"production\") and not (DJANGO_ENV == \"staging\")"
    );
    assert_eq!(alts[2].1.value, Value::Bool(true));
    assert_eq!(alts[2].1.span, at(text, "True"));
    assert_eq!(alts[0].0.when_unset(), Some(false));
    let prod = [("DJANGO_ENV", "production")];
    assert_eq!(
        value(&m, "DEBUG").evaluate(&env_of(&prod)),
        Value::Bool(false)
    );
    assert_eq!(value(&m, "DEBUG").when_unset(), Value::Bool(true));
    let hosts = value(&m, "ALLOWED_HOSTS");
    assert_eq!(strs(&hosts.evaluate(&env_of(&prod))), ["app.example.com"]);
    assert_eq!(
        strs(&hosts.evaluate(&env_of(&[("DJANGO_ENV", "staging")]))),
        ["staging.example.com"]
    );
    assert_eq!(strs(&hosts.when_unset()), ["*"]);
    // Only set when DEBUG is off: one alternative, and no value otherwise.
    let ssl = value(&m, "SECURE_SSL_REDIRECT");
    assert_eq!(ssl.evaluate(&env_of(&prod)), Value::Bool(true));
    assert!(ssl.when_unset().is_unknown());
    let setting = m.get("DEBUG").unwrap();
    assert_eq!(setting.name_span, nth(text, "DEBUG", 1));
    assert_eq!(setting.history, [nth(text, "DEBUG", 0)]);
}

#[test]
fn raising_branches_are_guards_and_constant_tests_pick_a_branch() {
    let text = r#"
import os
from django.core.exceptions import ImproperlyConfigured
SECRET_KEY = os.environ.get("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is required")
if True:
    A = 1
else:
    A = 2
try:
    from .local import *
except ImportError:
    pass
try:
    EMAIL_PORT = int(os.environ["EMAIL_PORT"])
except KeyError:
    EMAIL_PORT = 25
"#;
    let m = parse_ok(text);
    assert_eq!(m.guards.len(), 1);
    assert_eq!(m.guards[0].condition.text, "not SECRET_KEY");
    assert_eq!(m.guards[0].condition.when_unset(), Some(true));
    assert!(matches!(value(&m, "SECRET_KEY"), Value::Env(_)));
    assert_eq!(value(&m, "A"), &Value::Int(1));
    assert_eq!(m.star_imports[0].0, ".local");
    assert!(m.imports.iter().any(|(i, _)| i == ".local"));
    let Value::Alternatives(alts) = value(&m, "EMAIL_PORT") else {
        panic!("EMAIL_PORT: {:?}", value(&m, "EMAIL_PORT"));
    };
    assert_eq!(alts[1].0.text, "except KeyError");
    assert_eq!(alts[1].1.value, Value::Int(25));
}

#[test]
fn later_assignment_overrides_and_keeps_history() {
    let text = "SECRET_KEY = 'one'\nDEBUG = True\nSECRET_KEY = 'two'\nSECRET_KEY = 'three'\n";
    let m = parse_ok(text);
    let s = m.get("SECRET_KEY").unwrap();
    assert_eq!(s.value.value, Value::Str("three".into()));
    assert_eq!(s.value.span, at(text, "'three'"));
    assert_eq!(s.name_span, nth(text, "SECRET_KEY", 2));
    assert_eq!(
        s.history,
        [nth(text, "SECRET_KEY", 0), nth(text, "SECRET_KEY", 1)]
    );
    assert_eq!(m.settings[0].name, "SECRET_KEY", "first-assignment order");
}

#[test]
fn syntax_error_is_located_and_the_rest_is_still_modelled() {
    let text = "DEBUG = False\nBROKEN = [1, 2\nALLOWED_HOSTS = ['a']\n\ndef f(:\n    pass\nSECRET_KEY = 'x'\n";
    let (m, issues) = parse_settings(text);
    assert!(!issues.is_empty());
    for issue in &issues {
        assert!(issue.span.end <= text.len());
        assert!(issue.message.starts_with("syntax error"), "{issue:?}");
    }
    assert!(
        issues
            .iter()
            .any(|i| i.span.start >= at(text, "BROKEN").start
                && i.span.start <= at(text, "def f").start),
        "{issues:?}"
    );
    assert_eq!(value(&m, "DEBUG"), &Value::Bool(false));
    assert_eq!(value(&m, "SECRET_KEY"), &Value::Str("x".into()));
}

#[test]
fn hostile_input_never_panics() {
    let deep_parens = format!("X = {}1{}\n", "(".repeat(50_000), ")".repeat(50_000));
    let long_chain = format!("X = 1{}\nY = 2\n", " + 1".repeat(60_000));
    let deep_lists = format!("X = {}{}\nY = 3\n", "[".repeat(30_000), "]".repeat(30_000));
    let attr_chain = format!("X = a{}\nY = 4\n", ".b".repeat(60_000));
    let many_ifs =
        "import os\nX = []\n".to_string() + &"if os.environ.get('A'):\n    X += [1]\n".repeat(200);
    let self_nesting = "X = [1]\n".to_string() + &"X = [X, X]\n".repeat(64);
    let inputs: Vec<String> = vec![
        deep_parens,
        long_chain,
        deep_lists,
        attr_chain,
        many_ifs,
        self_nesting,
        "\u{feff}DEBUG = True\n".into(),
        "X = '''unterminated\n".into(),
        "X = f'{'\n".into(),
        "if:\n  \tY = \n".into(),
        "\0\0\0".into(),
        "Ü = 'é'\nNAME = 'ü' + 'ß'\n".into(),
        "X = os.environ[f'{A}']\nY = env(NAME)\nZ = config(1)\n".into(),
        "LOGGING['handlers']['x'] = 1\nA.append(1)\nB += 1\nC.update(1)\n".into(),
        "X = {**Y}\nZ = [*W]\n(A, *B) = 1, 2, 3\n".into(),
        "for X in range(3):\n    Y = X\nwhile True:\n    Z = 1\n".into(),
    ];
    for input in &inputs {
        let (m, issues) = parse_settings(input);
        for issue in &issues {
            assert!(issue.span.end <= input.len(), "{issue:?}");
        }
        for s in &m.settings {
            let _ = s.value.value.when_unset();
            let _ = resolve_path(&s.value.value, Some("/app"));
        }
        let _ = parse_diffsettings(input);
        let _ = scan_setting_reads(input);
    }
    let (m, issues) = parse_settings(&inputs[1]);
    assert!(issues
        .iter()
        .any(|i| i.message.contains("nested too deeply")));
    assert_eq!(value(&m, "Y"), &Value::Int(2));
    let (m, _) = parse_settings(&inputs[4]);
    assert!(m.get("X").is_some());
}

const DIFFSETTINGS: &str = "\
ABSOLUTE_URL_OVERRIDES = {}
ALLOWED_HOSTS = ['localhost', 'app.example.com']
AUTH_USER_MODEL = 'core.User'  ###
BASE_DIR = PosixPath('/app')  ###
DEBUG = False
DEFAULT_EXCEPTION_REPORTER = <class 'django.views.debug.ExceptionReporter'>
INSTALLED_APPS = ['django.contrib.admin', 'core', 'identification']
LOGGING = {'version': 1, 'handlers': {'audit_file': {'class': 'logging.handlers.RotatingFileHandler', 'filename': '/var/log/korrigo/audit.log'}, 'console': {'class': 'logging.StreamHandler', 'stream': <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>}}}  ###
SECRET_KEY = 'prod-secret-key-change-it'
SESSION_COOKIE_AGE = 14400
### USE_TZ = True
";

#[test]
fn diffsettings_export_with_markers_classes_and_paths() {
    let (m, issues) = parse_diffsettings(DIFFSETTINGS);
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(value(&m, "DEBUG"), &Value::Bool(false));
    assert_eq!(value(&m, "USE_TZ"), &Value::Bool(true));
    assert_eq!(value(&m, "SESSION_COOKIE_AGE"), &Value::Int(14400));
    assert_eq!(
        value(&m, "AUTH_USER_MODEL"),
        &Value::Str("core.User".into())
    );
    let auth = m.get("AUTH_USER_MODEL").unwrap();
    assert_eq!(auth.value.span, at(DIFFSETTINGS, "'core.User'"));
    assert_eq!(auth.name_span, at(DIFFSETTINGS, "AUTH_USER_MODEL"));
    assert_eq!(auth.provenance, Provenance::Export);
    let Value::Path(base) = value(&m, "BASE_DIR") else {
        panic!("BASE_DIR: {:?}", value(&m, "BASE_DIR"));
    };
    assert_eq!(base.display(), "/app");
    assert_eq!(
        value(&m, "DEFAULT_EXCEPTION_REPORTER"),
        &Value::Unknown("<class 'django.views.debug.ExceptionReporter'>".into())
    );
    assert_eq!(
        strs(value(&m, "INSTALLED_APPS")),
        ["django.contrib.admin", "core", "identification"]
    );
    let handlers = value(&m, "LOGGING").dict_get("handlers").unwrap();
    let audit = handlers.value.dict_get("audit_file").unwrap();
    let filename = audit.value.dict_get("filename").unwrap();
    assert_eq!(
        filename.span,
        at(DIFFSETTINGS, "'/var/log/korrigo/audit.log'")
    );
    assert_eq!(
        resolve_path(&filename.value, None).unwrap().path,
        "/var/log/korrigo/audit.log"
    );
    let stream = handlers
        .value
        .dict_get("console")
        .and_then(|c| c.value.dict_get("stream"))
        .unwrap();
    assert!(matches!(&stream.value, Value::Unknown(raw) if raw.starts_with("<_io.TextIOWrapper")));
    assert_eq!(value(&m, "ABSOLUTE_URL_OVERRIDES"), &Value::Dict(vec![]));
}

#[test]
fn diffsettings_unified_output_and_multiline_reprs() {
    let text = "- DEBUG = False\n+ DEBUG = True\n  USE_TZ = True\n+ CUSTOM = {'a': 1,\n 'b': 2}\ngarbage after\n";
    let (m, issues) = parse_diffsettings(text);
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(value(&m, "DEBUG"), &Value::Bool(true));
    assert_eq!(m.get("DEBUG").unwrap().name_span, nth(text, "DEBUG", 1));
    assert_eq!(value(&m, "USE_TZ"), &Value::Bool(true));
    // The continuation is joined; the trailing line makes it unparseable, kept raw.
    assert!(value(&m, "CUSTOM").is_unknown());
    let (m, issues) = parse_diffsettings("stray\nX_Y = 1\n");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].span, Span::new(0, 5));
    assert_eq!(value(&m, "X_Y"), &Value::Int(1));
    let (m, _) = parse_diffsettings("CUSTOM = {'a': 1,\n 'b': 2}\n");
    assert_eq!(
        value(&m, "CUSTOM").dict_get("b").map(|v| &v.value),
        Some(&Value::Int(2))
    );
}

#[test]
fn setting_reads_skip_comments_and_strings() {
    let text = r#"
from django.conf import settings
import django.conf

# settings.IN_COMMENT
DOC = """settings.IN_DOCSTRING"""
label = "settings.IN_STRING"
version = settings.VERSION
other = django.conf.settings.TIME_ZONE
lower = settings.configure()
not_django = self.settings.NOT_DJANGO
a = getattr(settings, "FEATURE_FLAG", False)
b = getattr(settings, 'REQUIRED_FLAG')
msg = f"debug is {settings.DEBUG!r} {'settings.IN_FSTRING_TEXT'}"
raw = rb'settings.RAW'
"#;
    let reads = scan_setting_reads(text);
    let found: Vec<(&str, bool)> = reads
        .iter()
        .map(|r| (r.name.as_str(), r.with_default))
        .collect();
    assert_eq!(
        found,
        [
            ("VERSION", false),
            ("TIME_ZONE", false),
            ("FEATURE_FLAG", true),
            ("REQUIRED_FLAG", false),
            ("DEBUG", false)
        ]
    );
    assert_eq!(reads[0].span, at(text, "settings.VERSION"));
    assert_eq!(reads[2].span, at(text, "\"FEATURE_FLAG\""));
    assert_eq!(reads[4].span, at(text, "settings.DEBUG"));
}

#[test]
fn module_env_reads_include_functions_and_created_dirs_are_recorded() {
    let text = r#"
import os
LOG_DIR = os.environ.get("LOG_DIR", "/var/log/app")
os.makedirs(LOG_DIR, exist_ok=True)

def get_secret():
    return os.environ["VAULT_TOKEN"]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
"#;
    let m = parse_ok(text);
    let names: Vec<&str> = m.env_reads.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["LOG_DIR", "VAULT_TOKEN", "DJANGO_SETTINGS_MODULE"]);
    assert_eq!(m.created_dirs.len(), 1);
    assert_eq!(
        resolve_path(&m.created_dirs[0].value, None).unwrap().path,
        "/var/log/app"
    );
}

/// Compares the static model with what Django itself computes, when Django is installed.
#[test]
fn static_values_agree_with_django_diffsettings() {
    use std::process::Command;
    let probe = Command::new("python3")
        .args(["-c", "import django"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: python3 with Django is not available");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("proj");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    let settings = r#"
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = os.environ.get("DEBUG", "False") == "True"
SECRET_KEY = os.environ.get("SECRET_KEY", "fallback-secret")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
if not DEBUG:
    INSTALLED_APPS += ["django.contrib.sessions"]
INSTALLED_APPS.append("django.contrib.messages")
log_dir = os.environ.get("AUDIT_LOG_DIR", "/var/log/korrigo")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "audit_file": {
            "class": "logging.FileHandler",
            "filename": os.path.join(log_dir, "audit.log"),
            "delay": True,
        },
    },
}
"#;
    std::fs::write(pkg.join("settings.py"), settings).unwrap();
    let (model, issues) = parse_settings(settings);
    assert!(issues.is_empty(), "{issues:?}");
    let environments: [&[(&str, &str)]; 2] = [
        &[],
        &[
            ("DEBUG", "True"),
            ("SECRET_KEY", "from-env"),
            ("ALLOWED_HOSTS", "a.example.com,b.example.com"),
            ("AUDIT_LOG_DIR", "/tmp/audit"),
        ],
    ];
    for vars in environments {
        let mut cmd = Command::new("python3");
        cmd.args([
            "-m",
            "django",
            "diffsettings",
            "--all",
            "--settings=proj.settings",
        ])
        .env("PYTHONPATH", dir.path())
        .env_remove("DJANGO_SETTINGS_MODULE");
        for name in ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "AUDIT_LOG_DIR"] {
            cmd.env_remove(name);
        }
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "diffsettings failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let export = String::from_utf8(out.stdout).unwrap();
        let (django, issues) = parse_diffsettings(&export);
        assert!(issues.is_empty(), "{issues:?}");
        let env = env_of(vars);
        for name in ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "INSTALLED_APPS"] {
            let ours = value(&model, name).evaluate(&env);
            assert_eq!(
                shape(&ours),
                shape(value(&django, name)),
                "{name} with {vars:?}"
            );
        }
        let filename = |m: &Value| -> String {
            let handler = m
                .dict_get("handlers")
                .and_then(|h| h.value.dict_get("audit_file"))
                .and_then(|h| h.value.dict_get("filename"))
                .unwrap();
            resolve_path(&handler.value, None).unwrap().path
        };
        let ours = value(&model, "LOGGING").evaluate(&env);
        assert_eq!(
            filename(&ours),
            filename(value(&django, "LOGGING")),
            "{vars:?}"
        );
    }
}

#[test]
fn random_fragments_never_panic() {
    const FRAGMENTS: &[&str] = &[
        "X",
        " = ",
        "os.environ.get(",
        "env(",
        "config(",
        "'A'",
        "\"é\"",
        ", ",
        "default=",
        ")",
        "(",
        "[",
        "]",
        "{",
        "}",
        ":",
        "\n",
        "    ",
        "if ",
        "else:",
        "elif ",
        "try:",
        "except:",
        "not ",
        " or ",
        " and ",
        " + ",
        " / ",
        " == ",
        "BASE_DIR",
        "Path(__file__)",
        ".parent",
        "os.path.join(",
        "f'{",
        "}'",
        "'''",
        "\\",
        "é",
        "\u{301}",
        "#",
        "settings.",
        "getattr(",
        "settings, ",
        ".split(','",
        ".append(",
        "+=",
        "*",
        "**",
        "lambda: ",
        "from .base import *",
        "LOGGING['h']",
        "<class 'x'>",
        "  ###",
        "### ",
        "PosixPath('/a')",
        "\r\n",
        "\t",
        "\0",
    ];
    let mut state: u64 = 0x5eed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    for _ in 0..1500 {
        let len = next() % 40;
        let text: String = (0..len)
            .map(|_| FRAGMENTS[next() % FRAGMENTS.len()])
            .collect();
        let (m, issues) = parse_settings(&text);
        for issue in &issues {
            assert!(issue.span.start <= issue.span.end && issue.span.end <= text.len());
        }
        for s in &m.settings {
            let _ = s.value.value.when_unset();
            let _ = s.value.value.evaluate(&|_| Some("1".into()));
            let _ = resolve_path(&s.value.value, Some("/app"));
        }
        let layered = layer(&m, &m);
        let _ = layered.settings.len();
        let (d, _) = parse_diffsettings(&text);
        let _ = layer(&m, &d);
        for read in scan_setting_reads(&text) {
            assert!(text.get(read.span.range()).is_some(), "{text:?}");
        }
    }
}

#[test]
fn byte_order_mark_and_crlf_keep_byte_offsets() {
    let text = "\u{feff}DEBUG = True\r\nSECRET_KEY = 'x'\r\n";
    let m = parse_ok(text);
    assert_eq!(m.get("DEBUG").unwrap().name_span, Span::new(3, 8));
    assert_eq!(m.get("SECRET_KEY").unwrap().value.span, at(text, "'x'"));
}

#[test]
fn common_real_world_patterns() {
    let text = r#"
import os
import environ
from pathlib import Path
from django.core.management.utils import get_random_secret_key

env = environ.Env()
BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = env.bool("DEBUG", default=False)
INSTALLED_APPS = ["django.contrib.admin", "core"]
if DEBUG:
    INSTALLED_APPS += ["debug_toolbar"]
SECRET_KEY = os.environ.get("SECRET_KEY", get_random_secret_key())
LOG_DIR = os.getenv("LOG_DIR", os.path.join(BASE_DIR, "logs"))
AUDIT_LOG = Path(LOG_DIR) / "audit.log"
ALLOWED_HOSTS = os.environ["HOSTS"].split(",") if os.environ.get("HOSTS") else []
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///db.sqlite3")}
CELERY_BROKER_URL = f"redis://{env('REDIS_HOST', default='redis')}:6379/0"
"#;
    let m = parse_ok(text);
    let apps = value(&m, "INSTALLED_APPS");
    assert_eq!(strs(&apps.when_unset()), ["django.contrib.admin", "core"]);
    assert_eq!(
        strs(&apps.evaluate(&env_of(&[("DEBUG", "true")]))),
        ["django.contrib.admin", "core", "debug_toolbar"]
    );
    let Value::Env(secret) = value(&m, "SECRET_KEY") else {
        panic!("SECRET_KEY");
    };
    assert!(
        matches!(&secret.default.as_ref().unwrap().value, Value::Unknown(r) if r.contains("random"))
    );
    let audit = resolve_path(value(&m, "AUDIT_LOG"), Some("/srv/app")).unwrap();
    assert_eq!(audit.path, "/srv/app/logs/audit.log");
    assert_eq!(audit.env_defaults[0].name, "LOG_DIR");
    let moved = value(&m, "AUDIT_LOG").evaluate(&env_of(&[("LOG_DIR", "/data")]));
    assert_eq!(resolve_path(&moved, None).unwrap().path, "/data/audit.log");
    let hosts = value(&m, "ALLOWED_HOSTS");
    assert_eq!(strs(&hosts.when_unset()), Vec::<String>::new());
    assert_eq!(
        strs(&hosts.evaluate(&env_of(&[("HOSTS", "a,b")]))),
        ["a", "b"]
    );
    let db = value(&m, "DATABASES").dict_get("default").unwrap();
    assert!(matches!(&db.value, Value::Env(l) if l.cast == Cast::DbUrl));
    assert_eq!(
        value(&m, "CELERY_BROKER_URL").when_unset(),
        Value::Str("redis://redis:6379/0".into())
    );
    let names: Vec<&str> = m.env_reads.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "DEBUG",
            "SECRET_KEY",
            "LOG_DIR",
            "HOSTS",
            "HOSTS",
            "DATABASE_URL",
            "REDIS_HOST"
        ]
    );
}

#[test]
fn json_export_values_follow_json_types() {
    let text = r#"{
  "DEBUG": true,
  "USE_TZ": false,
  "STATIC_ROOT": null,
  "SECURE_HSTS_SECONDS": 31536000,
  "RATIO": 0.25,
  "BIG": 1e3,
  "NEG": -5,
  "TIME_ZONE": "Europe/Paris",
  "ESCAPED": "a\"b\u00e9\n",
  "NUMERIC_TEXT": "true",
  "ALLOWED_HOSTS": ["a.example.org", "*"],
  "DATABASES": {"default": {"HOST": "pgbouncer", "PORT": 6432, "PASSWORD": "<redacted:16 chars>"}},
  "lowercase": 1
}"#;
    let (m, issues) = parse_json_export(text);
    assert!(issues.is_empty(), "{issues:?}");
    let cases: &[(&str, Value, &str)] = &[
        ("DEBUG", Value::Bool(true), "true"),
        ("USE_TZ", Value::Bool(false), "false"),
        ("STATIC_ROOT", Value::None, "null"),
        ("SECURE_HSTS_SECONDS", Value::Int(31536000), "31536000"),
        ("RATIO", Value::Float(0.25), "0.25"),
        ("BIG", Value::Float(1000.0), "1e3"),
        ("NEG", Value::Int(-5), "-5"),
        (
            "TIME_ZONE",
            Value::Str("Europe/Paris".into()),
            "\"Europe/Paris\"",
        ),
        ("ESCAPED", Value::Str("a\"bé\n".into()), r#""a\"b\u00e9\n""#),
        ("NUMERIC_TEXT", Value::Str("true".into()), "\"true\""),
    ];
    for (name, expected, source) in cases {
        let s = m.get(name).unwrap_or_else(|| panic!("{name} not modelled"));
        assert_eq!(&s.value.value, expected, "{name}");
        assert_eq!(s.value.span, at(text, source), "{name} value span");
        // The key's name, without its quotes.
        let key = at(text, &format!("\"{name}\""));
        assert_eq!(s.name_span, Span::new(key.start + 1, key.end - 1), "{name}");
        assert_eq!(s.provenance, Provenance::Export, "{name}");
    }
    // Arrays are lists whose items keep their spans.
    let hosts = m.get("ALLOWED_HOSTS").unwrap();
    assert_eq!(strs(&hosts.value.value), ["a.example.org", "*"]);
    let items = hosts.value.value.as_list().unwrap();
    assert_eq!(items[1].span, at(text, "\"*\""));
    // Objects are dicts; a redacted secret is set but has no literal value.
    let default = value(&m, "DATABASES")
        .dict_get("default")
        .map(|d| d.value.clone())
        .unwrap();
    assert_eq!(
        default.dict_get("PORT").map(|p| p.value.clone()),
        Some(Value::Int(6432))
    );
    let password = &default.dict_get("PASSWORD").unwrap().value;
    assert!(password.is_redacted(), "{password:?}");
    assert_eq!(password.as_str(), None);
    assert_eq!(password.redacted_chars(), Some(16));
    // Only UPPERCASE names are settings.
    assert!(m.get("lowercase").is_none());
}

#[test]
fn json_export_fingerprints_are_not_literals() {
    let cases: &[(&str, bool, Option<usize>)] = &[
        ("<redacted:50 chars>", true, Some(50)),
        ("<redacted:1 char>", true, Some(1)),
        ("<redacted:7>", true, Some(7)),
        ("<redacted>", true, None),
        ("<from DJANGO_SECRET_KEY>", true, None),
        ("********************", true, None),
        // Near misses: ordinary strings.
        ("<redacted:many chars>", false, None),
        ("<from >", false, None),
        ("<from two words>", false, None),
        ("redacted:50 chars", false, None),
        ("*****", false, None),
        ("django-insecure-abc", false, None),
    ];
    let text = "{\"SECRET_KEY\": \"<from DJANGO_SECRET_KEY>\", \"X\": [\"<from OTHER>\"]}";
    let (m, _) = parse_json_export(text);
    let reads: Vec<(&str, Span)> = m
        .env_reads
        .iter()
        .map(|r| (r.name.as_str(), r.name_span))
        .collect();
    assert_eq!(
        reads,
        [
            ("DJANGO_SECRET_KEY", at(text, "DJANGO_SECRET_KEY")),
            ("OTHER", at(text, "OTHER"))
        ]
    );
    for (text, fingerprint, chars) in cases {
        let json = format!("{{\"SECRET_KEY\": {text:?}}}");
        let (m, issues) = parse_json_export(&json);
        assert!(issues.is_empty(), "{text}: {issues:?}");
        let v = value(&m, "SECRET_KEY");
        assert_eq!(v.is_redacted(), *fingerprint, "{text}: {v:?}");
        assert_eq!(v.as_str().is_none(), *fingerprint, "{text}: {v:?}");
        assert_eq!(v.redacted_chars(), *chars, "{text}");
    }
}

#[test]
fn malformed_json_exports_are_located_issues() {
    let cases: &[(&str, &str)] = &[
        ("[\"DEBUG\", true]\n", "[\"DEBUG\", true]"),
        ("{\"DEBUG\": true,\n \"X\": [1, 2}\n", "}"),
        ("{\"DEBUG\": true}\n---\n{\"X\": 1}\n", "{\"X\": 1}"),
    ];
    for (text, _) in cases {
        let (m, issues) = parse_json_export(text);
        assert!(!issues.is_empty(), "{text:?} gave no issue");
        for i in &issues {
            assert!(i.span.end <= text.len(), "{text:?}: {i:?}");
        }
        // Whatever was read is still modelled, and a non-object top level models nothing.
        if text.starts_with('[') {
            assert!(m.settings.is_empty());
            assert_eq!(issues[0].span, at(text, "[\"DEBUG\", true]"));
        }
    }
    for text in [
        "",
        "{",
        "{]",
        "\u{feff}{\"A\": [[[[",
        "{\"A\": \"\\ud800\"}",
    ] {
        let _ = parse_json_export(text);
    }
    let deep = format!("{{\"A\": {}{}}}", "[".repeat(500), "]".repeat(500));
    let (m, issues) = parse_json_export(&deep);
    assert!(m.get("A").is_some() || !issues.is_empty());
}

/// Runs the exporter documented in docs/settings-export.md, when Django is installed, and
/// checks that the JSON it writes gives the same values as `diffsettings --all` and no secret.
#[test]
fn documented_json_exporter_agrees_with_diffsettings() {
    use std::process::Command;
    let probe = Command::new("python3")
        .args(["-c", "import django"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: python3 with Django is not available");
        return;
    }
    let doc = include_str!("../../../docs/settings-export.md");
    let line = doc
        .lines()
        .find(|l| l.starts_with("python -c '"))
        .expect("the exporter one-liner");
    let command = line.rsplit_once(" > ").map_or(line, |(c, _)| c);
    let command = format!("python3{}", &command["python".len()..]);
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("proj");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("__init__.py"), "").unwrap();
    const SECRETS: &[&str] = &[
        "s3cr3t-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "old-key-zyxwvutsrqponmlkjihgfedcba-9876543210",
        "db-pass-in-clear",
        "mail-pass-in-clear",
        "sentry-api-key-in-clear",
        "broker-pass-in-clear",
    ];
    let settings = format!(
        r#"
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = os.environ.get("DEBUG", "False") == "True"
SECRET_KEY = "{}"
SECRET_KEY_FALLBACKS = ["{}"]
ALLOWED_HOSTS = ["shop.example.org", "*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 3600
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_AGE = 1209600
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": "app", "HOST": "pgbouncer", "PORT": 6432, "PASSWORD": "{}", "DISABLE_SERVER_SIDE_CURSORS": True}}}}
EMAIL_HOST_PASSWORD = "{}"
SENTRY_API_KEY = "{}"
CELERY_BROKER_URL = "redis://:{}@redis:6379/0"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {{"min_length": 12}}}}]
"#,
        SECRETS[0], SECRETS[1], SECRETS[2], SECRETS[3], SECRETS[4], SECRETS[5]
    );
    std::fs::write(pkg.join("settings.py"), settings).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(args[0])
            .args(&args[1..])
            .env("PYTHONPATH", dir.path())
            .env("DJANGO_SETTINGS_MODULE", "proj.settings")
            .env_remove("DEBUG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json = run(&["sh", "-c", &command]);
    let text = run(&["python3", "-m", "django", "diffsettings", "--all"]);
    for secret in SECRETS {
        assert!(!json.contains(secret), "the export shows {secret}");
    }
    let (exported, issues) = parse_json_export(&json);
    assert!(issues.is_empty(), "{issues:?}");
    let (django, issues) = parse_diffsettings(&text);
    assert!(issues.is_empty(), "{issues:?}");
    // Lists and tuples are one thing in JSON.
    fn norm(v: &Value) -> String {
        shape(v).replace('(', "[").replace(')', "]")
    }
    let mut compared = 0;
    for s in &django.settings {
        let theirs = &s.value.value;
        let ours = &exported
            .get(&s.name)
            .unwrap_or_else(|| panic!("{} missing from the export", s.name))
            .value
            .value;
        // `diffsettings` prints the module's values; reading `settings.MEDIA_URL` (as the
        // exporter and the running code do) adds the script prefix to MEDIA_URL and STATIC_URL.
        if theirs.is_unknown()
            || matches!(theirs, Value::Path(_))
            || matches!(s.name.as_str(), "MEDIA_URL" | "STATIC_URL")
        {
            continue;
        }
        let secret = SECRETS
            .iter()
            .any(|x| shape(theirs).contains(x) && !x.is_empty());
        if secret {
            continue;
        }
        assert_eq!(norm(ours), norm(theirs), "{}", s.name);
        compared += 1;
    }
    assert!(compared > 50, "{compared}");
    // The secrets the rules ask about are redacted, with their length.
    let key = value(&exported, "SECRET_KEY");
    assert_eq!(key.redacted_chars(), Some(SECRETS[0].len()), "{key:?}");
    let fallbacks = value(&exported, "SECRET_KEY_FALLBACKS").as_list().unwrap();
    assert!(fallbacks[0].value.is_redacted());
    let db = value(&exported, "DATABASES")
        .dict_get("default")
        .map(|d| d.value.clone())
        .unwrap();
    let password = db.dict_get("PASSWORD").unwrap().value.clone();
    assert_eq!(password.redacted_chars(), Some(SECRETS[2].len()));
    assert_eq!(
        db.dict_get("DISABLE_SERVER_SIDE_CURSORS")
            .map(|v| v.value.clone()),
        Some(Value::Bool(true))
    );
    assert!(value(&exported, "CELERY_BROKER_URL").is_redacted());
    // Settings whose names only mention passwords are kept.
    assert_eq!(
        strs(value(&exported, "PASSWORD_HASHERS")),
        ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    );
}
