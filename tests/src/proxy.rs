//! A TCP proxy between the application and its database server, which a test
//! can cut and restore: the database "stops" for this one application while
//! the shared server keeps serving everyone else.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// How the database looks from the application while cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Nothing listens: connections are refused, as with a stopped server
    /// on a live host.
    Refuse,
    /// Connections are accepted and closed at once, as by a server shutting
    /// down or a balancer with no backend left.
    Reset,
}

/// A proxy listening on 127.0.0.1, forwarding to `upstream`.
pub struct Proxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    acceptor: Mutex<Option<JoinHandle<()>>>,
    /// The forwarding task of every connection made while open.
    connections: Mutex<Vec<JoinHandle<()>>>,
}

impl Proxy {
    /// Starts forwarding to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let proxy = Proxy {
            addr,
            upstream,
            inner: Arc::new(Inner::default()),
        };
        proxy.serve(listener, None);
        proxy
    }

    /// The proxy for the server of a `postgres://` URL.
    pub async fn for_url(url: &str) -> Proxy {
        let (host, port) = authority(url);
        let upstream = tokio::net::lookup_host((host.as_str(), port))
            .await
            .expect("resolving the database host")
            .next()
            .expect("an address for the database host");
        Proxy::start(upstream).await
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `url` with its server replaced by this proxy.
    pub fn through(&self, url: &str) -> String {
        let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
        let rest = &url[scheme_end..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let userinfo = match authority.rfind('@') {
            Some(at) => &authority[..=at],
            None => "",
        };
        format!(
            "{}{}127.0.0.1:{}{}",
            &url[..scheme_end],
            userinfo,
            self.port(),
            &rest[authority_end..]
        )
    }

    /// Closes every forwarded connection and, from now on, treats new ones
    /// as `how` says. Returns once every socket is closed.
    pub async fn cut(&self, how: Cut) {
        let acceptor = self.lock_acceptor().take();
        if let Some(acceptor) = acceptor {
            acceptor.abort();
            let _ = acceptor.await;
        }
        let connections: Vec<_> = std::mem::take(&mut *self.lock_connections());
        for c in &connections {
            c.abort();
        }
        for c in connections {
            let _ = c.await;
        }
        if how == Cut::Reset {
            let listener = self.rebind().await;
            self.serve(listener, Some(how));
        }
    }

    /// Forwards again, on the same port.
    pub async fn restore(&self) {
        let acceptor = self.lock_acceptor().take();
        if let Some(acceptor) = acceptor {
            acceptor.abort();
            let _ = acceptor.await;
        }
        let listener = self.rebind().await;
        self.serve(listener, None);
    }

    /// Binds the proxy's port again. The port was this proxy's a moment ago,
    /// so it is free unless the kernel still holds the old socket.
    async fn rebind(&self) -> TcpListener {
        let mut last = None;
        for _ in 0..50 {
            let socket = TcpSocket::new_v4().expect("a socket");
            socket.set_reuseaddr(true).expect("SO_REUSEADDR");
            match socket.bind(self.addr).and_then(|()| socket.listen(128)) {
                Ok(listener) => return listener,
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("re-binding the proxy's port {}: {last:?}", self.addr);
    }

    fn serve(&self, listener: TcpListener, cut: Option<Cut>) {
        let inner = self.inner.clone();
        let upstream = self.upstream;
        let acceptor = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                if cut.is_some() {
                    // Closed at once, before a byte is read.
                    drop(client);
                    continue;
                }
                let task = tokio::spawn(forward(client, upstream));
                let mut connections = inner.connections.lock().unwrap_or_else(|e| e.into_inner());
                connections.retain(|c| !c.is_finished());
                connections.push(task);
            }
        });
        *self.lock_acceptor() = Some(acceptor);
    }

    fn lock_acceptor(&self) -> std::sync::MutexGuard<'_, Option<JoinHandle<()>>> {
        self.inner
            .acceptor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    fn lock_connections(&self) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.inner
            .connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(acceptor) = self.lock_acceptor().take() {
            acceptor.abort();
        }
        for c in self.lock_connections().drain(..) {
            c.abort();
        }
    }
}

async fn forward(mut client: TcpStream, upstream: SocketAddr) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}

/// The host and port of a URL (`postgres://user@host:port/db`).
pub fn authority(url: &str) -> (String, u16) {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    match host_port.rsplit_once(':') {
        Some((host, port)) => (host.to_string(), port.parse().unwrap_or(5432)),
        None => (host_port.to_string(), 5432),
    }
}
