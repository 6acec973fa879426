//! Differential test against PgBouncer itself: shiplint must report a load-failure finding for
//! a `pgbouncer.ini` exactly when PgBouncer refuses to start with it, and a placeholder "hash"
//! in the auth file must really be a password PgBouncer accepts, which is why PGB001 is an
//! error.
//!
//! PgBouncer comes from the Debian/Ubuntu package `pgbouncer`. Without it on `PATH` the test
//! prints that it skipped and passes. Each case starts PgBouncer in the foreground (`-q`) on
//! 127.0.0.1 with a free port and no Unix socket, from a temporary folder, and kills it as soon
//! as the case is decided; no case waits longer than a few seconds.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use shiplint::config::Config;
use shiplint::engine::{self, RunOptions};

/// Messages of the installed PgBouncer that come from its version, with the reason: shiplint
/// knows the settings of current releases, Debian 12 ships PgBouncer 1.18.
const TOOL_SKEW: &[(&str, &str)] = &[
    (
        "unknown parameter: pgbouncer/max_prepared_statements",
        "`max_prepared_statements` is newer than PgBouncer 1.18",
    ),
    (
        "unknown parameter: pgbouncer/login_notify_message",
        "`login_notify_message` is newer than PgBouncer 1.18",
    ),
    (
        "unknown parameter: pgbouncer/auth_dbname",
        "`auth_dbname` is newer than PgBouncer 1.18",
    ),
    (
        "unrecognized connection parameter: reserve_pool_size",
        "`reserve_pool_size` per database is newer than PgBouncer 1.18",
    ),
    (
        "unrecognized connection parameter: auth_dbname",
        "`auth_dbname` per database is newer than PgBouncer 1.18",
    ),
];

/// Codes whose findings mean "PgBouncer refuses to load this configuration".
const LOAD_FAILURES: &[&str] = &["PGB007", "PGB008", "PGB009", "PGB010", "PGB011"];

/// How long PgBouncer gets to either listen or exit.
const START_TIMEOUT: Duration = Duration::from_secs(5);

const PLACEHOLDER: &str = "md5REPLACE_WITH_ACTUAL_PASSWORD_HASH";

fn pgbouncer() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("pgbouncer"))
        .find(|p| p.is_file())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// Kills PgBouncer however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

enum Outcome {
    /// Listening on the port.
    Started(Running),
    /// Exited before listening, with its log.
    Refused(String),
}

/// A temporary folder holding `pgbouncer.ini` (after a `[pgbouncer]` section with the
/// listening and logging settings), `userlist.txt` and any further files.
struct Case {
    dir: tempfile::TempDir,
    port: u16,
}

impl Case {
    fn new(ini: &str, userlist: &str, extra: &[(&str, &str)]) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let d = dir.path();
        let ini = ini
            .replace("@DIR@", &d.display().to_string())
            .replace("@DEAD_PORT@", "1");
        let settings = format!(
            "listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             logfile = {}\nauth_file = {}\nserver_login_retry = 1\nserver_connect_timeout = 2\n\
             query_wait_timeout = 3\n",
            d.join("pgbouncer.log").display(),
            d.join("userlist.txt").display()
        );
        let ini = pgbouncer_section_first(&ini, &settings);
        std::fs::write(d.join("pgbouncer.ini"), ini).unwrap();
        std::fs::write(d.join("userlist.txt"), userlist).unwrap();
        for (name, text) in extra {
            std::fs::write(d.join(name), text).unwrap();
        }
        // PgBouncer refuses to run as root: it then runs as `nobody`, who must read the files
        // and write the log.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
        Case { dir, port }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path().join("pgbouncer.log")).unwrap_or_default()
    }

    fn start(&self, binary: &Path) -> Outcome {
        let mut cmd = Command::new(binary);
        cmd.arg("-q");
        if running_as_root() {
            cmd.args(["-u", "nobody"]);
        }
        cmd.arg(self.path().join("pgbouncer.ini"))
            .current_dir(self.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut running = Running(cmd.spawn().expect("start pgbouncer"));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(_)) = running.0.try_wait() {
                return Outcome::Refused(self.log());
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Outcome::Started(running);
            }
            if Instant::now() > deadline {
                panic!(
                    "pgbouncer neither listened nor exited within {START_TIMEOUT:?}:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The codes shiplint reports for the case's files, with every rule on.
    fn shiplint_codes(&self) -> Vec<String> {
        let options = RunOptions {
            paths: vec![self.path().to_path_buf()],
            stdin: None,
            config: Config::default(),
            rules: shiplint::rules::all(),
            size_limit: engine::DEFAULT_SIZE_LIMIT,
            cwd: self.path().to_path_buf(),
        };
        let outcome = engine::run(&options).expect("run shiplint");
        outcome
            .diagnostics
            .iter()
            .map(|d| d.code.to_string())
            .collect()
    }
}

/// The ini with one `[pgbouncer]` section first, holding `settings` and then the lines of the
/// ini's own `[pgbouncer]` sections: PgBouncer logs to the log file only once it has read
/// `logfile`, and `-q` silences what it says before; and a second `[pgbouncer]` section
/// would reset the settings of the first.
fn pgbouncer_section_first(ini: &str, settings: &str) -> String {
    let mut main = format!("[pgbouncer]\n{settings}");
    let mut rest = String::new();
    let mut in_main = false;
    for line in ini.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_main = t == "[pgbouncer]";
            if in_main {
                continue;
            }
        }
        let out = if in_main { &mut main } else { &mut rest };
        out.push_str(line);
        out.push('\n');
    }
    format!("{main}\n{rest}")
}

const BASE: &str = "\
[databases]
app = host=127.0.0.1 port=@DEAD_PORT@ dbname=app

[pgbouncer]
auth_type = plain
pool_mode = session
";

/// Further files of a case: `(name, content)`.
type Extra = Vec<(&'static str, &'static str)>;

/// `(name, ini, further files)`: one defect each, and near misses PgBouncer accepts.
fn cases() -> Vec<(&'static str, String, Extra)> {
    let with = |line: &str| format!("{BASE}{line}\n");
    vec![
        ("valid", BASE.to_string(), vec![]),
        ("unknown key", with("listen_backlog_size = 10"), vec![]),
        ("bad value", with("server_idle_timeout = 10min"), vec![]),
        ("bad flag", with("log_connections = on"), vec![]),
        (
            "trailing comment",
            with("pool_mode = transaction ; pooled per transaction"),
            vec![],
        ),
        (
            "semicolon in free text",
            with("server_reset_query = DISCARD ALL; SELECT 1"),
            vec![],
        ),
        (
            "reserved database name",
            BASE.replace("app = host", "pgbouncer = host"),
            vec![],
        ),
        (
            "missing include",
            BASE.replace("[pgbouncer]\n", "[pgbouncer]\n%include limits.ini\n"),
            vec![],
        ),
        (
            "include present",
            BASE.replace("[pgbouncer]\n", "[pgbouncer]\n%include limits.ini\n"),
            vec![("limits.ini", "max_client_conn = 50\n")],
        ),
    ]
}

#[test]
fn pgbouncer_refuses_exactly_the_configurations_shiplint_calls_load_failures() {
    let Some(binary) = pgbouncer() else {
        eprintln!("skipped: `pgbouncer` is not on PATH (apt-get install pgbouncer)");
        return;
    };
    let userlist = "\"app\" \"SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w=\"\n";
    let mut disagreements = Vec::new();
    for (name, ini, extra) in cases() {
        let case = Case::new(&ini, userlist, &extra);
        let codes = case.shiplint_codes();
        let shiplint_refuses = codes.iter().any(|c| LOAD_FAILURES.contains(&c.as_str()));
        let (pgbouncer_refuses, log) = match case.start(&binary) {
            Outcome::Started(_running) => (false, String::new()),
            Outcome::Refused(log) => (true, log),
        };
        eprintln!("{name}: pgbouncer refuses: {pgbouncer_refuses}, shiplint: {codes:?}");
        if shiplint_refuses != pgbouncer_refuses {
            disagreements.push(format!(
                "{name}: pgbouncer refuses = {pgbouncer_refuses}, shiplint reports {codes:?}\n{log}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "\n{}", disagreements.join("\n"));
}

/// Settings a case sets itself (where PgBouncer listens, logs and finds users), dropped from
/// fixture files.
const CASE_SETTINGS: &[&str] = &[
    "listen_addr",
    "listen_port",
    "unix_socket_dir",
    "logfile",
    "pidfile",
    "auth_file",
    "user",
];

#[test]
fn pgbouncer_loads_the_rule_fixtures_as_shiplint_says() {
    let Some(binary) = pgbouncer() else {
        eprintln!("skipped: `pgbouncer` is not on PATH (apt-get install pgbouncer)");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let userlist = "\"app\" \"SCRAM-SHA-256$4096:EzbynDJmXarI8H4C5uqZJQ==$3uA0zroujXofbwn060G4tSV6Y61Q42i7nVhuUp8dUqY=:dZDv5G/o6m2SMnFfRaHcz+GQ2gAG+V9KOR+BSpEYq7w=\"\n";
    let mut disagreements = Vec::new();
    let mut skewed = Vec::new();
    let mut compared = 0;
    // The fixtures of the load-failure rules: one defect per bad case, near misses in the good.
    for code in ["PGB007", "PGB008", "PGB009", "PGB010"] {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join(code))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        for case_dir in cases {
            let mut inis = Vec::new();
            let mut stack = vec![case_dir.clone()];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).unwrap() {
                    let p = e.unwrap().path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().is_some_and(|x| x == "ini") {
                        inis.push(p);
                    }
                }
            }
            for ini in inis {
                let text = std::fs::read_to_string(&ini).unwrap();
                let kept: String = text
                    .lines()
                    .filter(|l| !CASE_SETTINGS.contains(&l.split('=').next().unwrap_or("").trim()))
                    .map(|l| format!("{l}\n"))
                    .collect();
                let kept = if kept.contains("[pgbouncer]\n") {
                    kept
                } else {
                    format!("{kept}[pgbouncer]\n")
                };
                let case = Case::new(&kept, userlist, &[]);
                let codes = case.shiplint_codes();
                let shiplint_refuses = codes.iter().any(|c| LOAD_FAILURES.contains(&c.as_str()));
                let (pgbouncer_refuses, log) = match case.start(&binary) {
                    Outcome::Started(_running) => (false, String::new()),
                    Outcome::Refused(log) => (true, log),
                };
                compared += 1;
                let name = ini.strip_prefix(&root).unwrap().display().to_string();
                if shiplint_refuses == pgbouncer_refuses {
                    continue;
                }
                match TOOL_SKEW.iter().find(|(m, _)| log.contains(m)) {
                    Some((_, why)) => skewed.push(format!("{name}: {why}")),
                    None => disagreements.push(format!(
                        "{name}: pgbouncer refuses = {pgbouncer_refuses}, shiplint reports \
                         {codes:?}\n{log}"
                    )),
                }
            }
        }
    }
    eprintln!(
        "{compared} fixture files compared; version skew in {}:",
        skewed.len()
    );
    for s in &skewed {
        eprintln!("  {s}");
    }
    assert!(compared > 0, "no fixture was compared");
    assert!(disagreements.is_empty(), "\n{}", disagreements.join("\n"));
}

#[test]
fn a_second_pgbouncer_section_resets_the_settings_of_the_first() {
    let Some(binary) = pgbouncer() else {
        eprintln!("skipped: `pgbouncer` is not on PATH (apt-get install pgbouncer)");
        return;
    };
    // Written as is (not through `Case::new`, which merges the sections): the port is set in
    // the first section only; the second sets what PgBouncer needs to start, keeping its
    // Unix socket in the temporary folder.
    let case = Case::new("[databases]\n", "\"app\" \"secret\"\n", &[]);
    let d = case.path();
    let ini = format!(
        "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n\n\
         [databases]\napp = host=127.0.0.1 port=1 dbname=app\n\n\
         [pgbouncer]\nunix_socket_dir = {dir}\nlogfile = {dir}/pgbouncer.log\n\
         auth_type = plain\nauth_file = {dir}/userlist.txt\n",
        port = case.port,
        dir = d.display()
    );
    std::fs::write(d.join("pgbouncer.ini"), &ini).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(d.join("pgbouncer.ini"), mode).unwrap();
    }
    assert!(case.shiplint_codes().contains(&"PGB016".to_string()));

    let mut cmd = Command::new(&binary);
    cmd.arg("-q");
    if running_as_root() {
        cmd.args(["-u", "nobody"]);
    }
    cmd.arg(d.join("pgbouncer.ini"))
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut running = Running(cmd.spawn().expect("start pgbouncer"));
    let deadline = Instant::now() + START_TIMEOUT;
    // Started: the log says so, or its socket appears in the folder.
    let started = loop {
        if let Ok(Some(_)) = running.0.try_wait() {
            break false;
        }
        if case.log().contains("process up") {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(started, "pgbouncer did not start:\n{}", case.log());
    assert!(
        TcpStream::connect(("127.0.0.1", case.port)).is_err(),
        "pgbouncer kept listen_port of the first [pgbouncer] section:\n{}",
        case.log()
    );
    assert!(
        !case.log().contains(&format!("127.0.0.1:{}", case.port)),
        "{}",
        case.log()
    );
}

// ---------------------------------------------------------------------------------------------
// The PostgreSQL wire protocol, as much as a login needs
// ---------------------------------------------------------------------------------------------

/// How a login attempt ended.
#[derive(Debug)]
enum Login {
    /// PgBouncer accepted the password and the session started.
    Ok,
    /// An ErrorResponse: SQLSTATE and message.
    Error(String, String),
}

fn message(stream: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut head = [0u8; 5];
    stream.read_exact(&mut head)?;
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    let mut body = vec![0u8; len.saturating_sub(4)];
    stream.read_exact(&mut body)?;
    Ok((head[0], body))
}

fn error_fields(body: &[u8]) -> (String, String) {
    let (mut code, mut text) = (String::new(), String::new());
    for field in body.split(|&b| b == 0) {
        match field.split_first() {
            Some((b'C', v)) => code = String::from_utf8_lossy(v).into_owned(),
            Some((b'M', v)) => text = String::from_utf8_lossy(v).into_owned(),
            _ => {}
        }
    }
    (code, text)
}

/// Logs in as `user` to `database` with a clear-text password (`auth_type = plain`).
fn login(port: u16, user: &str, database: &str, password: &str) -> Login {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to pgbouncer");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut params = Vec::new();
    for (k, v) in [("user", user), ("database", database)] {
        params.extend_from_slice(k.as_bytes());
        params.push(0);
        params.extend_from_slice(v.as_bytes());
        params.push(0);
    }
    params.push(0);
    let mut startup = ((params.len() + 8) as u32).to_be_bytes().to_vec();
    startup.extend_from_slice(&196_608u32.to_be_bytes()); // protocol 3.0
    startup.extend_from_slice(&params);
    stream.write_all(&startup).unwrap();
    loop {
        let (kind, body) = message(&mut stream).expect("a reply from pgbouncer");
        match kind {
            b'R' => {
                let code = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                match code {
                    0 => return Login::Ok,
                    3 => {
                        let mut p = vec![b'p'];
                        p.extend_from_slice(&((password.len() + 5) as u32).to_be_bytes());
                        p.extend_from_slice(password.as_bytes());
                        p.push(0);
                        stream.write_all(&p).unwrap();
                    }
                    other => panic!("unexpected authentication request {other}"),
                }
            }
            b'E' => {
                let (code, text) = error_fields(&body);
                return Login::Error(code, text);
            }
            _ => {}
        }
    }
}

fn is_password_failure(login: &Login) -> bool {
    matches!(login, Login::Error(code, text)
        if code == "28P01" || text.contains("password authentication failed"))
}

#[test]
fn pgbouncer_accepts_a_placeholder_hash_as_a_plain_text_password() {
    let Some(binary) = pgbouncer() else {
        eprintln!("skipped: `pgbouncer` is not on PATH (apt-get install pgbouncer)");
        return;
    };
    let userlist = format!("\"app\" \"{PLACEHOLDER}\"\n");
    let case = Case::new(BASE, &userlist, &[]);
    // shiplint calls it a placeholder, not a hash.
    assert!(case.shiplint_codes().contains(&"PGB001".to_string()));
    let Outcome::Started(_running) = case.start(&binary) else {
        panic!("pgbouncer refused a valid configuration:\n{}", case.log());
    };

    let wrong = login(case.port, "app", "app", "not-the-password");
    assert!(
        is_password_failure(&wrong),
        "a wrong password must fail authentication, got {wrong:?}\n{}",
        case.log()
    );
    // With the placeholder itself as the password, authentication passes: whatever fails
    // next is the connection to the (absent) PostgreSQL server behind PgBouncer.
    let placeholder = login(case.port, "app", "app", PLACEHOLDER);
    assert!(
        !is_password_failure(&placeholder),
        "the placeholder was refused as a password: {placeholder:?}\n{}",
        case.log()
    );
    eprintln!("login with the placeholder as password: {placeholder:?}");
}
