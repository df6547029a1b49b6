//! Engine layer: the client side of a SOCKS5 CONNECT (RFC 1928, no authentication), used when
//! ZMQ_SOCKS_PROXY is set. Host names go to the proxy unresolved, as libzmq does. Invariant: every
//! length the proxy sends is bounded by its field, so a hostile proxy cannot make us over-read.

use super::endpoint::Host;
use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const VERSION: u8 = 5;
const NO_AUTH: u8 = 0;
const CONNECT: u8 = 1;
const IPV4: u8 = 1;
const DOMAIN: u8 = 3;
const IPV6: u8 = 4;

fn refused(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionRefused,
        format!("SOCKS5 proxy: {what}"),
    )
}

/// Asks the proxy at the other end of `stream` to connect to `host:port`; on success the stream
/// carries the tunnelled connection.
pub async fn connect<S>(stream: &mut S, host: &Host, port: u16) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    stream.write_all(&[VERSION, 1, NO_AUTH]).await?;
    let mut choice = [0u8; 2];
    stream.read_exact(&mut choice).await?;
    if choice != [VERSION, NO_AUTH] {
        return Err(refused("requires authentication or is not SOCKS5"));
    }
    let mut request = vec![VERSION, CONNECT, 0];
    match host {
        Host::Ip(std::net::IpAddr::V4(ip)) => {
            request.push(IPV4);
            request.extend(ip.octets());
        }
        Host::Ip(std::net::IpAddr::V6(ip)) => {
            request.push(IPV6);
            request.extend(ip.octets());
        }
        Host::Name(name) => {
            let len = u8::try_from(name.len()).map_err(|_| refused("host name too long"))?;
            request.push(DOMAIN);
            request.push(len);
            request.extend(name.as_bytes());
        }
        Host::Any => return Err(refused("no host to connect to")),
    }
    request.extend(port.to_be_bytes());
    stream.write_all(&request).await?;
    let mut head = [0u8; 4];
    stream.read_exact(&mut head).await?;
    if head[0] != VERSION {
        return Err(refused("bad reply"));
    }
    if head[1] != 0 {
        return Err(refused(&format!("connect failed (reply code {})", head[1])));
    }
    // The address the proxy bound for us: read and ignore it.
    let skip = match head[3] {
        IPV4 => 4,
        IPV6 => 16,
        DOMAIN => {
            let mut len = [0u8; 1];
            stream.read_exact(&mut len).await?;
            usize::from(len[0])
        }
        _ => return Err(refused("bad address type in reply")),
    };
    let mut rest = vec![0u8; skip + 2];
    stream.read_exact(&mut rest).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_domain_name_goes_to_the_proxy_unresolved() {
        let (mut client, mut proxy) = tokio::io::duplex(256);
        let server = tokio::spawn(async move {
            let mut hello = [0u8; 3];
            proxy.read_exact(&mut hello).await.unwrap();
            assert_eq!(hello, [5, 1, 0]);
            proxy.write_all(&[5, 0]).await.unwrap();
            let mut req = [0u8; 5 + 9 + 2];
            proxy.read_exact(&mut req).await.unwrap();
            assert_eq!(&req[..5], &[5, 1, 0, 3, 9]);
            assert_eq!(&req[5..14], b"peer.test");
            assert_eq!(&req[14..], &5555u16.to_be_bytes());
            proxy
                .write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0x15, 0xb3])
                .await
                .unwrap();
            proxy.write_all(b"tunnelled").await.unwrap();
        });
        connect(&mut client, &Host::Name("peer.test".into()), 5555)
            .await
            .unwrap();
        let mut data = [0u8; 9];
        client.read_exact(&mut data).await.unwrap();
        assert_eq!(&data, b"tunnelled");
        server.await.unwrap();
    }

    #[tokio::test]
    async fn refusals_are_errors() {
        for reply in [vec![5u8, 2], vec![5, 0, 5, 5, 0, 1, 0, 0, 0, 0, 0, 0]] {
            let (mut client, mut proxy) = tokio::io::duplex(256);
            tokio::spawn(async move {
                let mut buf = [0u8; 64];
                let _ = proxy.read(&mut buf).await;
                let _ = proxy.write_all(&reply[..2]).await;
                let _ = proxy.read(&mut buf).await;
                let _ = proxy.write_all(&reply[2..]).await;
            });
            let host = Host::Ip("10.0.0.1".parse().unwrap());
            let err = connect(&mut client, &host, 1).await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
        }
    }
}
