//! Benchmark peer for zmq.rs (the `zeromq` crate, pure Rust, no JS), the counterpart of peer.ts:
//! modes "both" (push and pull in this process), "recv" (bind a PULL, print the endpoint,
//! receive) and "send" (connect a PUSH, send, report when told on stdin that the receiver is
//! done). Prints JSON lines as peer.ts does. Built by `npm run bench` when it runs:
//! `cargo build --release --no-default-features --example zmqrs-peer`.

use std::time::Instant;
use zeromq::{Socket, SocketRecv, SocketSend, ZmqMessage};

fn cpu_us() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let t = |tv: libc::timeval| tv.tv_sec as f64 * 1e6 + tv.tv_usec as f64;
    t(usage.ru_utime) + t(usage.ru_stime)
}

fn max_rss_kib() -> i64 {
    // SAFETY: as above.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u.ru_maxrss
    }
}

/// zmq.rs spells a wildcard tcp port as 0.
fn bind_address(address: &str) -> String {
    address.replace(":*", ":0")
}

async fn send_all(push: &mut zeromq::PushSocket, size: usize, count: usize) {
    let payload = bytes::Bytes::from(vec![7u8; size]);
    for _ in 0..count {
        push.send(ZmqMessage::from(payload.clone()))
            .await
            .expect("zmq.rs send");
    }
}

async fn receive_all(pull: &mut zeromq::PullSocket, count: usize) -> (f64, f64) {
    pull.recv().await.expect("zmq.rs recv");
    let (start, cpu) = (Instant::now(), cpu_us());
    for _ in 1..count {
        pull.recv().await.expect("zmq.rs recv");
    }
    (start.elapsed().as_nanos() as f64, cpu_us() - cpu)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, address) = (args[1].as_str(), args[2].as_str());
    let size: usize = args[3].parse().expect("size");
    let count: usize = args[4].parse().expect("count");
    match mode {
        "both" => {
            let mut pull = zeromq::PullSocket::new();
            let endpoint = pull.bind(&bind_address(address)).await.expect("bind");
            let mut push = zeromq::PushSocket::new();
            push.connect(&endpoint.to_string()).await.expect("connect");
            let (cpu, start) = (cpu_us(), Instant::now());
            let receiving = tokio::spawn(async move { receive_all(&mut pull, count).await });
            send_all(&mut push, size, count).await;
            receiving.await.expect("receiver");
            let ns = start.elapsed().as_nanos() as f64;
            println!(
                "{{\"msgsPerSec\":{},\"cpuUsPerMsg\":{},\"maxRssKiB\":{}}}",
                count as f64 / (ns / 1e9),
                (cpu_us() - cpu) / count as f64,
                max_rss_kib()
            );
        }
        "recv" => {
            let mut pull = zeromq::PullSocket::new();
            let endpoint = pull.bind(&bind_address(address)).await.expect("bind");
            println!("{{\"endpoint\":\"{endpoint}\"}}");
            let (ns, cpu) = receive_all(&mut pull, count).await;
            println!(
                "{{\"msgsPerSec\":{},\"cpuUs\":{},\"maxRssKiB\":{}}}",
                (count - 1) as f64 / (ns / 1e9),
                cpu,
                max_rss_kib()
            );
        }
        _ => {
            let mut push = zeromq::PushSocket::new();
            push.connect(address).await.expect("connect");
            let cpu = cpu_us();
            send_all(&mut push, size, count).await;
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            println!(
                "{{\"cpuUs\":{},\"maxRssKiB\":{}}}",
                cpu_us() - cpu,
                max_rss_kib()
            );
        }
    }
}
