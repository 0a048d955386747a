use clap::Parser;

// mimalloc: pages are rendered in parallel with many short-lived allocations (Tera contexts,
// HTML); it builds about 15% faster than the system allocator here (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = dafu::cli::Cli::parse();
    std::process::exit(dafu::cli::run(cli));
}
