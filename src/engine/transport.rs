//! Engine layer: tcp and ipc listeners and streams. Must run inside the engine's tokio runtime.
//! Invariant: a bind never removes anything but a stale socket file nobody listens on.

use super::endpoint::{tcp_endpoint_text, Endpoint, Host, IpcPath};
use super::error::{EngineError, Result};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream, UnixListener, UnixStream};

/// A connected byte stream of any transport.
pub enum Stream {
    /// TCP, with Nagle disabled.
    Tcp(TcpStream),
    /// A Unix domain socket.
    Unix(UnixStream),
    /// A connection to a socket of this process: messages, not bytes.
    Inproc(super::inproc::InprocLink),
}

/// Per-connection kernel settings from the socket's options (ZMQ_SNDBUF, ZMQ_RCVBUF, ZMQ_TOS,
/// ZMQ_TCP_MAXRT); negative or zero values leave the OS default.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tuning {
    /// SO_SNDBUF in bytes, when positive (ipc; tcp sockets get it from `Net` before connecting).
    pub send_buffer: i64,
    /// SO_RCVBUF in bytes, when positive (ipc, as above).
    pub recv_buffer: i64,
    /// IP_TOS / IPV6_TCLASS byte (tcp only), when positive.
    pub tos: i64,
    /// TCP_USER_TIMEOUT in ms (tcp only), when positive.
    pub max_rt_ms: i64,
    /// SO_KEEPALIVE (tcp only): 1 on, 0 off, -1 the OS default.
    pub keepalive: i64,
    /// TCP_KEEPCNT, TCP_KEEPIDLE (s) and TCP_KEEPINTVL (s) with keepalive on, when positive.
    pub keepalive_params: (i64, i64, i64),
}

impl Stream {
    /// The peer's IP address (tcp only).
    pub fn peer_ip(&self) -> Option<IpAddr> {
        match self {
            Stream::Tcp(s) => s.peer_addr().ok().map(|a| a.ip()),
            Stream::Unix(_) | Stream::Inproc(_) => None,
        }
    }

    /// A duplicate of the socket (tcp and ipc), for writes from another thread than its task's.
    pub fn duplicate(&self) -> Option<socket2::Socket> {
        match self {
            Stream::Tcp(s) => socket2::SockRef::from(s).try_clone().ok(),
            Stream::Unix(s) => socket2::SockRef::from(s).try_clone().ok(),
            Stream::Inproc(_) => None,
        }
    }

    /// Applies `tuning` to the connection.
    pub fn tune(&self, tuning: &Tuning) -> io::Result<()> {
        let sock = match self {
            Stream::Tcp(s) => socket2::SockRef::from(s),
            Stream::Unix(s) => socket2::SockRef::from(s),
            Stream::Inproc(_) => return Ok(()),
        };
        if let Stream::Unix(_) = self {
            // Tcp sockets got theirs before connect/listen (`Net::buffers`).
            set_buffers(&sock, (tuning.send_buffer, tuning.recv_buffer))?;
        }
        if let Stream::Tcp(s) = self {
            if tuning.tos > 0 {
                let tos = tuning.tos as u32;
                match s.local_addr()? {
                    SocketAddr::V4(_) => sock.set_tos_v4(tos)?,
                    SocketAddr::V6(_) => sock.set_tclass_v6(tos)?,
                }
            }
            if tuning.max_rt_ms > 0 {
                let limit = Duration::from_millis(tuning.max_rt_ms as u64);
                sock.set_tcp_user_timeout(Some(limit))?;
            }
            if tuning.keepalive >= 0 {
                sock.set_keepalive(tuning.keepalive == 1)?;
            }
            if tuning.keepalive == 1 {
                let (count, idle, interval) = tuning.keepalive_params;
                let mut params = socket2::TcpKeepalive::new();
                if idle > 0 {
                    params = params.with_time(Duration::from_secs(idle as u64));
                }
                if interval > 0 {
                    params = params.with_interval(Duration::from_secs(interval as u64));
                }
                if let Ok(count @ 1..) = u32::try_from(count) {
                    params = params.with_retries(count);
                }
                sock.set_tcp_keepalive(&params)?;
            }
        }
        Ok(())
    }
}

/// How tcp endpoints are reached: from ZMQ_IPV6, ZMQ_BINDTODEVICE and ZMQ_SOCKS_PROXY.
#[derive(Debug, Clone, Default)]
pub struct Net {
    /// `*` is every IPv6 and IPv4 interface, and names may resolve to IPv6.
    pub ipv6: bool,
    /// The network interface tcp sockets are bound to.
    pub interface: Option<String>,
    /// A SOCKS5 proxy outgoing tcp connections go through.
    pub socks: Option<(Host, u16)>,
    /// SO_SNDBUF and SO_RCVBUF in bytes, when positive: set before listen/connect, so the TCP
    /// window is negotiated for them (accepted sockets inherit the listener's).
    pub buffers: (i64, i64),
}

/// Sets positive SO_SNDBUF/SO_RCVBUF sizes on a socket.
fn set_buffers(sock: &socket2::SockRef<'_>, (send, recv): (i64, i64)) -> io::Result<()> {
    if let Ok(size) = usize::try_from(send) {
        if size > 0 {
            sock.set_send_buffer_size(size)?;
        }
    }
    if let Ok(size) = usize::try_from(recv) {
        if size > 0 {
            sock.set_recv_buffer_size(size)?;
        }
    }
    Ok(())
}

/// A bound listener, with what must be cleaned up when it closes.
pub struct Listener {
    kind: ListenerKind,
    /// The endpoint text reported to the user (`lastEndpoint`).
    pub endpoint: String,
    /// Files and folders to remove on close (ipc only).
    cleanup: Vec<PathBuf>,
}

enum ListenerKind {
    Tcp(TcpListener),
    Unix(UnixListener),
    Inproc(super::inproc::InprocListener),
}

impl Listener {
    /// Accepts the next connection.
    pub async fn accept(&self) -> io::Result<Stream> {
        match &self.kind {
            ListenerKind::Tcp(l) => {
                let (s, _) = l.accept().await?;
                s.set_nodelay(true)?;
                Ok(Stream::Tcp(s))
            }
            ListenerKind::Unix(l) => Ok(Stream::Unix(l.accept().await?.0)),
            ListenerKind::Inproc(l) => Ok(Stream::Inproc(l.accept().await?)),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Files first, then the folder `ipc://*` created; failures only leave litter behind.
        for path in &self.cleanup {
            let _ = std::fs::remove_file(path).or_else(|_| std::fs::remove_dir(path));
        }
    }
}

/// Binds a listener for a parsed endpoint, as `net` says tcp endpoints are reached.
/// `group` is the binding socket's JS environment (inproc peers share Buffers only within one).
pub async fn bind(endpoint: &Endpoint, backlog: u32, net: &Net, group: u64) -> Result<Listener> {
    match endpoint {
        Endpoint::Tcp { host, port } => bind_tcp(host, *port, backlog, net).await,
        Endpoint::Ipc(path) => bind_ipc(path.as_ref(), backlog).await,
        Endpoint::Inproc(name) => {
            let listener = super::inproc::bind(name, group).ok_or(EngineError::AddressInUse)?;
            Ok(Listener {
                kind: ListenerKind::Inproc(listener),
                endpoint: format!("inproc://{name}"),
                cleanup: Vec::new(),
            })
        }
    }
}

/// The addresses `host` stands for. Without `ipv6`, `*` is IPv4's and names keep their IPv4
/// addresses only, as libzmq does; a literal IPv6 address is used as given either way.
async fn resolve(host: &Host, port: u16, ipv6: bool) -> io::Result<Vec<SocketAddr>> {
    Ok(match host {
        Host::Any if ipv6 => vec![SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port)],
        Host::Any => vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port)],
        Host::Ip(ip) => vec![SocketAddr::new(*ip, port)],
        Host::Name(name) => {
            let mut addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), port))
                .await?
                .filter(|a| ipv6 || a.is_ipv4())
                .collect();
            // IPv4 first: a name like "localhost" should reach a peer bound on 0.0.0.0 or 127.0.0.1.
            addrs.sort_by_key(|a| a.is_ipv6());
            addrs
        }
    })
}

async fn bind_tcp(host: &Host, port: u16, backlog: u32, net: &Net) -> Result<Listener> {
    let addrs = resolve(host, port, net.ipv6)
        .await
        .map_err(|_| EngineError::NoSuchDevice)?;
    let addr = *addrs.first().ok_or(EngineError::NoSuchDevice)?;
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    };
    let socket = socket.map_err(|e| EngineError::from(&e))?;
    socket
        .set_reuseaddr(true)
        .map_err(|e| EngineError::from(&e))?;
    if let Some(device) = &net.interface {
        socket2::SockRef::from(&socket)
            .bind_device(Some(device.as_bytes()))
            .map_err(|e| EngineError::from(&e))?;
    }
    set_buffers(&socket2::SockRef::from(&socket), net.buffers)
        .map_err(|e| EngineError::from(&e))?;
    if addr.is_ipv6() && addr.ip().is_unspecified() {
        // `[::]` takes IPv4 peers too (as IPv4-mapped addresses), whatever the system default.
        socket2::SockRef::from(&socket)
            .set_only_v6(false)
            .map_err(|e| EngineError::from(&e))?;
    }
    socket
        .bind(addr)
        .map_err(|e| EngineError::from_bind_io(&e))?;
    let listener = socket
        .listen(backlog.max(1))
        .map_err(|e| EngineError::from_bind_io(&e))?;
    let local = listener.local_addr().map_err(|e| EngineError::from(&e))?;
    Ok(Listener {
        kind: ListenerKind::Tcp(listener),
        endpoint: tcp_endpoint_text(&local),
        cleanup: Vec::new(),
    })
}

static IPC_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh private folder for `ipc://*`, named from the pid, a counter and the clock.
fn wildcard_ipc_dir() -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    for _ in 0..100 {
        let n = IPC_COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("zmqrs-{}-{n}-{nanos:x}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(EngineError::from(&e)),
        }
    }
    Err(EngineError::AddressInUse)
}

async fn bind_ipc(path: Option<&IpcPath>, backlog: u32) -> Result<Listener> {
    let mut cleanup = Vec::new();
    let path = match path {
        Some(p) => p.clone(),
        None => {
            let dir = wildcard_ipc_dir()?;
            let file = dir.join("socket");
            cleanup.push(dir);
            IpcPath::File(file)
        }
    };
    let std_listener = match &path {
        IpcPath::Abstract(name) => {
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
                .map_err(|_| EngineError::InvalidArgument)?;
            std::os::unix::net::UnixListener::bind_addr(&addr)
                .map_err(|e| EngineError::from_bind_io(&e))?
        }
        IpcPath::File(file) => {
            remove_if_stale(file).await?;
            let l = std::os::unix::net::UnixListener::bind(file)
                .map_err(|e| EngineError::from_bind_io(&e))?;
            cleanup.insert(0, file.clone());
            l
        }
    };
    let _ = backlog; // std's Unix listener uses the OS default backlog (128), above libzmq's 100.
    std_listener
        .set_nonblocking(true)
        .map_err(|e| EngineError::from(&e))?;
    let listener = UnixListener::from_std(std_listener).map_err(|e| EngineError::from(&e))?;
    Ok(Listener {
        kind: ListenerKind::Unix(listener),
        endpoint: path.to_string(),
        cleanup,
    })
}

/// A socket file with no listener behind it is replaced, as libzmq does; anything else stays.
async fn remove_if_stale(file: &PathBuf) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(file) else {
        return Ok(());
    };
    if !meta.file_type().is_socket() {
        return Err(EngineError::AddressInUse);
    }
    match UnixStream::connect(file).await {
        Ok(_) => Err(EngineError::AddressInUse),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            std::fs::remove_file(file).map_err(|e| EngineError::from(&e))
        }
        Err(e) => Err(EngineError::from(&e)),
    }
}

/// A tcp connection to the first of `host`'s addresses that answers.
async fn open_tcp(host: &Host, port: u16, net: &Net) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "host did not resolve");
    for addr in resolve(host, port, net.ipv6).await? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        if let Some(device) = &net.interface {
            socket2::SockRef::from(&socket).bind_device(Some(device.as_bytes()))?;
        }
        set_buffers(&socket2::SockRef::from(&socket), net.buffers)?;
        match socket.connect(addr).await {
            Ok(s) => {
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Opens one connection to a connect-side endpoint (one attempt; the caller retries), as `net`
/// says tcp endpoints are reached; `group` is the connecting socket's JS environment.
pub async fn connect(
    endpoint: &Endpoint,
    timeout: Option<Duration>,
    net: &Net,
    group: u64,
) -> io::Result<Stream> {
    let attempt = async {
        match endpoint {
            Endpoint::Tcp { host, port } => match &net.socks {
                Some((proxy, proxy_port)) => {
                    let mut s = open_tcp(proxy, *proxy_port, net).await?;
                    super::socks::connect(&mut s, host, *port).await?;
                    Ok(Stream::Tcp(s))
                }
                None => Ok(Stream::Tcp(open_tcp(host, *port, net).await?)),
            },
            Endpoint::Ipc(Some(IpcPath::File(file))) => {
                Ok(Stream::Unix(UnixStream::connect(file).await?))
            }
            Endpoint::Ipc(Some(IpcPath::Abstract(name))) => {
                // Unix connects complete or fail at once, so the blocking call does not stall the runtime.
                let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
                let s = std::os::unix::net::UnixStream::connect_addr(&addr)?;
                s.set_nonblocking(true)?;
                Ok(Stream::Unix(UnixStream::from_std(s)?))
            }
            Endpoint::Ipc(None) => Err(io::Error::from(io::ErrorKind::InvalidInput)),
            Endpoint::Inproc(name) => Ok(Stream::Inproc(super::inproc::connect(name, group)?)),
        }
    };
    match timeout {
        Some(t) => tokio::time::timeout(t, attempt)
            .await
            .unwrap_or_else(|_| Err(io::Error::from(io::ErrorKind::TimedOut))),
        None => attempt.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tuning_reaches_the_kernel() {
        let listener = bind(
            &Endpoint::parse("tcp://127.0.0.1:*", super::super::endpoint::Use::Bind).unwrap(),
            10,
            &Net::default(),
            0,
        )
        .await
        .unwrap();
        let target =
            Endpoint::parse(&listener.endpoint, super::super::endpoint::Use::Connect).unwrap();
        let net = Net {
            buffers: (32768, 32768),
            ..Net::default()
        };
        let (client, server) = tokio::join!(connect(&target, None, &net, 0), listener.accept());
        let (client, _server) = (client.unwrap(), server.unwrap());
        let tuning = Tuning {
            send_buffer: 32768,
            recv_buffer: 32768,
            tos: 0x10,
            max_rt_ms: 4000,
            keepalive: 1,
            keepalive_params: (3, 30, 5),
        };
        client.tune(&tuning).unwrap();
        let Stream::Tcp(s) = &client else {
            panic!("a tcp stream")
        };
        let sock = socket2::SockRef::from(s);
        // Linux doubles the buffer sizes it is given (for bookkeeping).
        assert!(sock.send_buffer_size().unwrap() >= 32768);
        assert!(sock.recv_buffer_size().unwrap() >= 32768);
        assert_eq!(sock.tos_v4().unwrap(), 0x10);
        assert_eq!(
            sock.tcp_user_timeout().unwrap(),
            Some(Duration::from_millis(4000))
        );
        assert!(sock.keepalive().unwrap());
        assert_eq!(sock.tcp_keepalive_time().unwrap(), Duration::from_secs(30));
        assert_eq!(
            sock.tcp_keepalive_interval().unwrap(),
            Duration::from_secs(5)
        );
        assert_eq!(sock.tcp_keepalive_retries().unwrap(), 3);
        // Zero and negative values leave the defaults alone.
        client.tune(&Tuning::default()).unwrap();
        assert_eq!(sock.tos_v4().unwrap(), 0x10);
    }
}
