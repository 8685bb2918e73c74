//! Bodies that count what passes: request bodies of unknown length, and response bodies
//! metered when they end.

use super::*;

/// Passes a body through, counting data bytes into a shared counter (used
/// for request bodies of unknown length, whose size is only known once hyper
/// has sent them).
pub struct CountingBody<B> {
    inner: B,
    count: Arc<AtomicU64>,
}

impl<B> CountingBody<B> {
    pub fn new(inner: B, count: Arc<AtomicU64>) -> Self {
        CountingBody { inner, count }
    }
}

impl<B> http_body::Body for CountingBody<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.count.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Passes a response body through, counting bytes, and calls `finish` once
/// with the count when the body ends, fails, or is dropped (client gone).
pub struct MeteredBody<B, F: FnOnce(u64)> {
    inner: B,
    bytes: u64,
    finish: Option<F>,
}

impl<B, F: FnOnce(u64)> MeteredBody<B, F> {
    pub fn new(inner: B, finish: F) -> Self {
        MeteredBody {
            inner,
            bytes: 0,
            finish: Some(finish),
        }
    }

    fn done(&mut self) {
        if let Some(f) = self.finish.take() {
            f(self.bytes);
        }
    }
}

impl<B, F: FnOnce(u64)> Drop for MeteredBody<B, F> {
    fn drop(&mut self) {
        self.done();
    }
}

impl<B, F> http_body::Body for MeteredBody<B, F>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    F: FnOnce(u64) + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.bytes += data.len() as u64;
                }
                if this.inner.is_end_stream() {
                    this.done();
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => this.done(),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
