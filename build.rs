//! Embeds the web portal (`web/public/`) into release builds: memory-serve lists the files and,
//! outside debug builds, compresses them with brotli into the binary. Debug builds record only
//! the paths and read the files from disk at each request, so an edit shows on reload.
//! `src/http/portal.rs` serves them.

fn main() {
    memory_serve::load_directory("web/public");
}
