//! `switchboard send --recipients FILE`: many sends through one channel's
//! delivery stack, with progress — a bar with rate, ETA and failures by
//! kind on a terminal, a plain line a second otherwise.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use switchboard::{Error, Message, Receipt};

use crate::commands::{board, recipient, usage};
use crate::{fail, SendArgs, EXIT_AMBIGUOUS, EXIT_OK, EXIT_REFUSED, EXIT_TEMPORARY};

/// One line of the recipients file: who, and their own text if any.
fn rows(path: &Path) -> Result<Vec<(String, Option<String>)>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let lower = line.to_ascii_lowercase();
        let header = i == 0 && (lower == "to" || lower.starts_with("to,"));
        if line.is_empty() || header {
            continue;
        }
        let (to, text) = match line.split_once(',') {
            Some((to, text)) => (to.trim(), Some(text.trim().trim_matches('"').to_string())),
            None => (line, None),
        };
        rows.push((to.to_string(), text.filter(|t| !t.is_empty())));
    }
    Ok(rows)
}

/// What the sends came to.
#[derive(Default)]
struct Tally {
    sent: u64,
    failed: BTreeMap<&'static str, u64>,
    worst: i32,
}

impl Tally {
    fn failures(&self) -> String {
        self.failed
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn failed(&self) -> u64 {
        self.failed.values().sum()
    }
}

fn outcome_code(e: &Error) -> i32 {
    match crate::exit_code(e) {
        // Order by gravity for the final code: ambiguous > temporary > refused.
        EXIT_AMBIGUOUS => 3,
        EXIT_TEMPORARY => 2,
        _ => 1,
    }
}

pub(crate) async fn send_all(args: &SendArgs, path: &Path) -> i32 {
    let prepared = (|| {
        let board = board(&args.target.config)?;
        let channel = board.channel(&args.target.channel)?.clone();
        let mut messages = Vec::new();
        for (to, own) in rows(path)? {
            let text = own
                .or_else(|| args.text.clone())
                .ok_or_else(|| usage(format!("{to}: no text (give --text or a text column)")))?;
            messages.push(Message::text(recipient(&channel, &to)?, text));
        }
        Ok::<_, Error>((channel, messages))
    })();
    let (channel, messages) = match prepared {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let total = messages.len() as u64;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let progress = Progress::new(total);
    let limit = Arc::new(tokio::sync::Semaphore::new(args.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for message in messages {
        let (channel, tally, limit, progress) = (
            channel.clone(),
            tally.clone(),
            limit.clone(),
            progress.clone(),
        );
        let json = args.json;
        tasks.spawn(async move {
            let Ok(_permit) = limit.acquire_owned().await else {
                return;
            };
            let result = channel.send(&message).await;
            report(&message, &result, json);
            let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
            match &result {
                Ok(_) => t.sent += 1,
                Err(e) => {
                    *t.failed.entry(e.kind().as_str()).or_default() += 1;
                    t.worst = t.worst.max(outcome_code(e));
                }
            }
            progress.update(&t);
        });
    }
    let ticker = progress.clone();
    let ticking = {
        let tally = tally.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let t = tally.lock().unwrap_or_else(|p| p.into_inner());
                ticker.tick(&t);
            }
        })
    };
    while tasks.join_next().await.is_some() {}
    ticking.abort();
    let t = tally.lock().unwrap_or_else(|p| p.into_inner());
    progress.finish(&t);
    match t.worst {
        0 => EXIT_OK,
        1 => EXIT_REFUSED,
        2 => EXIT_TEMPORARY,
        _ => EXIT_AMBIGUOUS,
    }
}

fn report(message: &Message, result: &Result<Receipt, Error>, json: bool) {
    if !json {
        if let Err(e) = result {
            eprintln!("switchboard: {}: {e}", message.to.id);
        }
        return;
    }
    let line = match result {
        Ok(r) => serde_json::json!({"to": message.to.id, "receipt": r}),
        Err(e) => {
            serde_json::json!({"to": message.to.id, "error": e.to_string(), "kind": e.kind().as_str()})
        }
    };
    println!("{line}");
}

/// A bar on a terminal, plain lines otherwise.
#[derive(Clone)]
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    total: u64,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            let style = indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} sent  {per_sec}  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            total,
        }
    }

    fn done(t: &Tally) -> u64 {
        t.sent + t.failed()
    }

    fn update(&self, t: &Tally) {
        if let Some(bar) = &self.bar {
            bar.set_position(Self::done(t));
            if t.failed() > 0 {
                bar.set_message(format!("failed: {}", t.failures()));
            }
        }
    }

    /// The plain line, once a second, when not on a terminal.
    fn tick(&self, t: &Tally) {
        if self.bar.is_none() {
            let secs = self.started.elapsed().as_secs_f64().max(0.001);
            let done = Self::done(t);
            let _ = writeln!(
                std::io::stderr(),
                "progress: {done}/{} ({:.1}/s), {} failed{}",
                self.total,
                done as f64 / secs,
                t.failed(),
                if t.failed() > 0 {
                    format!(" ({})", t.failures())
                } else {
                    String::new()
                }
            );
        }
    }

    fn finish(&self, t: &Tally) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
        let _ = writeln!(
            std::io::stderr(),
            "done: {} sent, {} failed{} in {:.1} s",
            t.sent,
            t.failed(),
            if t.failed() > 0 {
                format!(" ({})", t.failures())
            } else {
                String::new()
            },
            self.started.elapsed().as_secs_f64()
        );
    }
}
