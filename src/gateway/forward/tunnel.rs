//! WebSocket tunnels: the client's upgraded connection joined to the upstream's.

use super::*;

/// The client's side of a WebSocket handshake, available once the `101`
/// has gone out: the gateway listener hands over its socket and any bytes
/// read past the handshake.
pub type ClientUpgrade = oneshot::Receiver<UpgradedSocket>;

/// A client socket after its `101`, with the bytes already read past it.
pub type UpgradedSocket = (TcpStream, BytesMut);

/// Joins the client's upgraded connection and the upstream's (either may
/// already hold bytes read past the handshake) and copies bytes both ways
/// until either side closes.
pub fn tunnel(client: ClientUpgrade, upstream: Box<Connection>) {
    tokio::spawn(async move {
        let (mut upstream, upstream_early) = upstream.into_parts();
        let result = match client.await {
            Ok((client, client_early)) => join(client, client_early, &mut upstream, upstream_early).await,
            Err(_) => return,
        };
        if let Err(e) = result {
            tracing::debug!(error = %e, "tunnel closed with an error");
        }
    });
}

async fn join<C>(
    mut client: C,
    client_early: BytesMut,
    upstream: &mut TcpStream,
    upstream_early: BytesMut,
) -> io::Result<()>
where
    C: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::AsyncWriteExt;
    client.write_all(&upstream_early).await?;
    upstream.write_all(&client_early).await?;
    tokio::io::copy_bidirectional(&mut client, upstream).await.map(|_| ())
}
