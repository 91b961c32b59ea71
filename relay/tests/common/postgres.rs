//! A real, throwaway PostgreSQL server for a test (included by path where needed): a
//! cluster made by `initdb` in a temporary directory, listening on a Unix socket there
//! only (no TCP port), stopped and deleted when dropped. As root (a container, CI) the
//! server runs as the `postgres` user that Debian's package creates, since PostgreSQL
//! refuses to run as root. `cargo xtask test` installs the package when it is missing.

// Each test crate that includes it uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestDatabase {
    /// Kept for its lifetime: deleted on drop, after the server stops.
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// Whom the server runs as, when the test runs as root.
    user: Option<String>,
}

impl TestDatabase {
    /// Makes a cluster and starts it; panics with what to install when PostgreSQL is not
    /// there.
    pub fn start() -> TestDatabase {
        let bin = server_binaries().expect(
            "PostgreSQL's server is not installed: `cargo xtask test` installs Debian's \
             `postgresql` package, or run `apt-get install postgresql`",
        );
        let dir = tempfile::tempdir().expect("a temporary directory");
        let user = running_as_root().then(|| "postgres".to_owned());
        if let Some(user) = &user {
            let status = Command::new("chown")
                .args(["-R", &format!("{user}:{user}")])
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(
                status.success(),
                "the temporary directory is given to {user}"
            );
        }
        let database = TestDatabase { dir, bin, user };
        database.run(
            "initdb",
            &[
                "--auth=trust",
                "--username=relay",
                "--encoding=UTF8",
                "--no-sync",
                "-D",
            ],
            &[database.data()],
        );
        database.resume();
        database
    }

    fn data(&self) -> &Path {
        self.dir.path()
    }

    /// The connection string for `--store`.
    pub fn url(&self) -> String {
        format!("host={} user=relay dbname=postgres", self.data().display())
    }

    /// One of the server's programs, to run as its user when the test runs as root.
    fn program(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        match &self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&path);
                command
            }
            None => Command::new(&path),
        }
    }

    /// Runs one of the server's programs; panics with its output when it fails.
    fn run(&self, program: &str, args: &[&str], paths: &[&Path]) {
        let mut command = self.program(program);
        command.args(args).args(paths);
        let output = command.output().expect("the PostgreSQL program runs");
        assert!(
            output.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts the server (again), listening on a socket in its directory only.
    pub fn resume(&self) {
        let options = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c max_connections=200",
            self.data().display()
        );
        let log = self.data().join("server.log");
        self.run(
            "pg_ctl",
            &["-w", "-o", &options, "-l"],
            &[&log, Path::new("-D"), self.data(), Path::new("start")],
        );
    }

    /// Stops the server (`fast`: connections are cut, what was committed stays).
    pub fn pause(&self) {
        self.run(
            "pg_ctl",
            &["-w", "-m", "fast", "-D"],
            &[self.data(), Path::new("stop")],
        );
    }

    /// Runs `sql` as the test's user; its output, one row per line.
    pub fn sql(&self, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .arg(self.url())
            .output()
            .expect("psql runs");
        assert!(
            output.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = self
            .program("pg_ctl")
            .args(["-w", "-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .output();
    }
}

/// The directory of `initdb`, `pg_ctl` and `psql`: Debian's newest version, or the PATH.
fn server_binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}
