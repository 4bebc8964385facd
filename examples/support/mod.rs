//! What the benchmarks share: the machine's load beside each figure (other
//! jobs share its cores), peak memory and CPU time from `/proc`.
#![allow(dead_code)]

/// The 1-, 5- and 15-minute load averages as `load 1.23 0.98 0.75`
/// (`load ?` where `/proc/loadavg` is not there), with the core count.
pub fn load() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    match std::fs::read_to_string("/proc/loadavg") {
        Ok(s) => {
            let avg: Vec<&str> = s.split_whitespace().take(3).collect();
            format!("load {} on {cores} cores", avg.join(" "))
        }
        Err(_) => format!("load ? on {cores} cores"),
    }
}

/// Peak resident memory (VmHWM) in MB.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU seconds this process has used (user + system).
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

pub mod audience;

/// A small deterministic generator (no rand dependency): xorshift64 from
/// a fixed seed, so every run of a benchmark sees the same inputs.
pub struct Rng(pub u64);
impl Rng {
    /// A generator from `seed`, printed as `seed WHAT: 0x…` so a figure can
    /// be reproduced (and a change of inputs is seen in the output).
    pub fn seeded(what: &str, seed: u64) -> Rng {
        println!("seed {what}: {seed:#018x} (xorshift64, examples/support)");
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}
