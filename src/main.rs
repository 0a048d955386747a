use clap::Parser;

fn main() {
    let cli = dafu::cli::Cli::parse();
    std::process::exit(dafu::cli::run(cli));
}
