//! Project tasks: `cargo xtask ci | emulator | python`.
//!
//! - `ci`: `cargo fmt --check`, `cargo clippy -- -D warnings`, every Rust
//!   test, then the Python package built into its own virtualenv and its
//!   pytest suite.
//! - `emulator [--port N]`: serves the emulator on 127.0.0.1 until Ctrl-C and
//!   prints its address and the credentials it accepts.
//! - `python`: only the Python part of `ci`.
//! - `bench`: the benchmarks (release build), written to `BENCHMARKS.md`.

// Reference the channel crates so their emulators are linked.
use switchboard_messenger as _;
use switchboard_telegram as _;
use switchboard_whatsapp as _;

mod bench;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn run(what: &str, cmd: &mut Command) -> Result<(), String> {
    eprintln!("\n==> {what}");
    let status = cmd
        .current_dir(root())
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: failed ({status})"))
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn ci() -> Result<(), String> {
    // A clean checkout gains nothing from incremental caches; they only take
    // disk space, which CI machines may have little of.
    std::env::set_var("CARGO_INCREMENTAL", "0");
    // The CLI's progress-bar test runs the command in a real terminal.
    ensure_program("tmux", "tmux")?;
    run(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    run(
        "cargo clippy -D warnings",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "cargo doc (every feature, warnings denied)",
        cargo()
            .args(["doc", "--workspace", "--all-features", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    run(
        "cargo test (Rust)",
        cargo().args([
            "test",
            "--workspace",
            "--all-features",
            "--exclude",
            "switchboard-python",
        ]),
    )?;
    python()
}

/// Installs the Debian `package` when `program` is missing (CI machines
/// run as root with apt reachable); fails naming it otherwise.
fn ensure_program(program: &str, package: &str) -> Result<(), String> {
    let found = Command::new(program)
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Ok(());
    }
    run(
        &format!("apt-get update (to install {package})"),
        Command::new("apt-get").args(["update", "-qq"]),
    )?;
    run(
        &format!("apt-get install {package}"),
        Command::new("apt-get").args(["install", "-y", "-qq", package]),
    )
}

/// The virtualenv of the Python tests: `target/python-venv`.
fn venv() -> PathBuf {
    root().join("target").join("python-venv")
}

fn venv_bin(name: &str) -> PathBuf {
    venv().join("bin").join(name)
}

fn python() -> Result<(), String> {
    let venv = venv();
    if !venv_bin("python").exists() {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        run(
            "create the Python virtualenv (target/python-venv)",
            Command::new(python).arg("-m").arg("venv").arg(&venv),
        )?;
    }
    run(
        "install maturin, pytest and mypy into the virtualenv",
        Command::new(venv_bin("python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "maturin>=1.7,<2",
            "pytest>=8",
            "pytest-asyncio>=0.23",
            "mypy>=1.10",
        ]),
    )?;
    run(
        "pip install ./bindings/python (maturin build)",
        Command::new(venv_bin("python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--force-reinstall",
            "--no-deps",
            "./bindings/python",
        ]),
    )?;
    run(
        "mypy stubtest (stubs match the compiled module)",
        Command::new(venv_bin("python"))
            .args([
                "-m",
                "mypy.stubtest",
                "switchboard",
                "--allowlist",
                "bindings/python/stubtest-allowlist.txt",
            ])
            .env("MYPYPATH", ""),
    )?;
    run(
        "pytest (Python)",
        Command::new(venv_bin("python")).args(["-m", "pytest", "-q", "bindings/python/tests"]),
    )
}

/// Starts the standalone emulator (`switchboard-emulator`) with `args`.
fn emulator(args: &[String]) -> Result<(), String> {
    run(
        "switchboard-emulator",
        cargo()
            .args(["run", "--quiet", "-p", "switchboard-emulator-server", "--"])
            .args(args),
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("python") => python(),
        Some("emulator") => emulator(&args[1..]),
        // Benchmarks run from a release build of this binary.
        Some("bench") if cfg!(debug_assertions) => run(
            "build and run the benchmarks in release mode",
            cargo()
                .args(["run", "--release", "--quiet", "-p", "xtask", "--", "bench"])
                .args(&args[1..]),
        ),
        Some("bench") if args.get(1).map(String::as_str) == Some("client") => {
            bench::client(&args[2..])
        }
        Some("bench") => bench::run(&root(), args.get(1).map(String::as_str)),
        _ => Err("usage: cargo xtask <ci | python | bench | emulator [--port N]>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
