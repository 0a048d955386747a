// Rendering makes and drops millions of small strings on every thread: jemalloc's
// per-thread caches spend far less time on that than glibc's malloc (a full build of 10,000
// replies takes about an eighth less time). It does not build with MSVC.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    // Help and usage errors in the user's language (see `cli::parse`).
    match dafu::cli::parse(std::env::args_os().collect()) {
        Ok(cli) => std::process::exit(dafu::cli::run(cli)),
        Err(code) => std::process::exit(code),
    }
}
