//! The behaviour suite: one trial per channel × check (see
//! `switchboard_tests::behaviour`), printed one line each.

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    libtest_mimic::run(&args, switchboard_tests::behaviour::trials()).exit();
}
