//! Giving memory back. The binary's allocator is mimalloc (`main.rs`), which keeps freed memory
//! for a purge delay and purges only when later allocator activity happens to look: an idle
//! server never does. That matters after the one job that takes a lot at once, an Argon2id
//! password hash (19 MiB): without a purge, a fresh start (which hashes the bootstrap password)
//! idled at 41 MiB against 29 MiB after a restart, and so did a server after one login.
//! [`run_heavy`] runs such a job on the blocking pool and then asks the allocator to return
//! what is free.
//!
//! The crate's only `unsafe` is here: one call into mimalloc's C API.
#![allow(unsafe_code)]

/// Runs `job` on the blocking pool, then returns freed memory to the operating system.
pub async fn run_heavy<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || {
        let out = job();
        release_free_memory();
        out
    })
    .await
}

/// Collects the calling thread's heap and purges every free range of mimalloc's arenas now,
/// not after the purge delay. Costs well under a millisecond; meant for after rare, large jobs.
/// Harmless where mimalloc is not the global allocator (the tests): it has nothing to return.
pub fn release_free_memory() {
    // SAFETY: `mi_collect` takes a plain bool, has no preconditions and may be called from
    // any thread at any time (mimalloc's API documentation).
    unsafe { libmimalloc_sys::mi_collect(true) }
}
