//! The gateway's data plane on its own: a snapshot built in the test, a stub upstream on
//! 127.0.0.1, real sockets. (`tests/api/gateway.rs` covers it wired to the control plane.)

mod common;
mod listener;
mod pipeline;
mod upstream_wire;
