//! A real streaming replica of the test cluster, on this machine: a base
//! backup (`pg_basebackup -R`, which also writes the standby settings) into
//! a directory of its own, started as a second PostgreSQL server on a free
//! port. Stopped and removed when dropped.
//!
//! The primary must accept replication connections from 127.0.0.1; a
//! cluster set up for trust authentication of ordinary connections only
//! (as this workplace's is) gets the line for it in its `pg_hba.conf`, and
//! is reloaded, the first time.

use std::path::{Path, PathBuf};
use std::process::Command;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

pub struct StreamingReplica {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
}

/// Runs `program` as the `postgres` user when this process is root (a
/// server refuses to run as root), else as ourselves.
fn as_postgres(program: &Path) -> Command {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut c: Command, what: &str) {
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl StreamingReplica {
    /// Starts a replica of the cluster `primary` (a URL of any of its
    /// databases) and waits until it accepts connections.
    pub async fn start(primary: &str) -> Self {
        let admin: DatabaseConnection = Database::connect(primary).await.expect("the primary");
        let text = |sql: &str| {
            let admin = admin.clone();
            let sql = sql.to_string();
            async move {
                let row = admin
                    .query_one_raw(Statement::from_string(admin.get_database_backend(), sql))
                    .await
                    .expect("a query on the primary")
                    .expect("a row");
                row.try_get_by_index::<String>(0).expect("text")
            }
        };
        let version = text("SELECT current_setting('server_version_num')").await;
        let major = version[..version.len() - 4].to_string();
        let bin = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"));
        let hba = PathBuf::from(text("SHOW hba_file").await);
        let rules = std::fs::read_to_string(&hba).expect("the primary's pg_hba.conf");
        let line = "host replication all 127.0.0.1/32 trust";
        if !rules.lines().any(|l| l.trim() == line) {
            std::fs::write(
                &hba,
                format!("{rules}\n# Streaming replicas on this machine (OPOP's replica test).\n{line}\n"),
            )
            .expect("adding the replication line to pg_hba.conf");
            admin
                .execute_unprepared("SELECT pg_reload_conf()")
                .await
                .expect("reloading the primary's configuration");
        }
        drop(admin);

        let url = reqwest::Url::parse(primary).expect("a URL");
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("opop-replica-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("the replica's directory");
        run(
            {
                let mut c = Command::new("chown");
                c.arg("postgres:postgres").arg(&dir);
                c
            },
            "chown",
        );
        let data = dir.join("data");
        let mut backup = as_postgres(&bin.join("pg_basebackup"));
        backup
            .arg("-h")
            .arg(url.host_str().unwrap_or("127.0.0.1"))
            .arg("-p")
            .arg(url.port().unwrap_or(5432).to_string())
            .arg("-U")
            .arg(if url.username().is_empty() {
                "postgres"
            } else {
                url.username()
            })
            .arg("-D")
            .arg(&data)
            .args(["-R", "-X", "stream", "-c", "fast"]);
        run(backup, "pg_basebackup");
        // A Debian cluster keeps its configuration outside the data
        // directory, so the backup has none: the replica gets its own.
        std::fs::write(
            data.join("postgresql.conf"),
            format!(
                "port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
                 hot_standby = on\nshared_buffers = 32MB\nfsync = off\n",
                dir.display()
            ),
        )
        .expect("postgresql.conf");
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        )
        .expect("pg_hba.conf");
        std::fs::write(data.join("pg_ident.conf"), "").expect("pg_ident.conf");
        run(
            {
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:postgres"]).arg(&dir);
                c
            },
            "chown",
        );
        let mut start = as_postgres(&bin.join("pg_ctl"));
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("log"))
            .args(["-w", "-t", "60", "start"]);
        let started = start.output().expect("pg_ctl");
        if !started.status.success() {
            let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
            panic!(
                "pg_ctl start failed: {}\nthe replica's log:\n{log}",
                String::from_utf8_lossy(&started.stdout)
            );
        }
        Self { port, dir, bin }
    }

    /// `url` (a database of the primary) on the replica.
    pub fn url_of(&self, url: &str) -> String {
        let mut u = reqwest::Url::parse(url).expect("a URL");
        u.set_port(Some(self.port)).expect("a port");
        u.to_string()
    }
}

impl Drop for StreamingReplica {
    fn drop(&mut self) {
        let mut stop = as_postgres(&self.bin.join("pg_ctl"));
        stop.arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        let _ = stop.output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
