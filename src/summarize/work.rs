//! A count of the summarizer's steps, for tests that hold it linear: the
//! loops that look back over references or scan a clause add to it. It
//! counts in test builds only (elsewhere `tick` is empty), so tests can
//! compare the work of an input and of the same input twice as long,
//! whatever the machine's speed and load.

#[cfg(test)]
thread_local! {
    static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Adds `n` steps.
#[inline(always)]
pub(crate) fn tick(n: usize) {
    #[cfg(test)]
    WORK.with(|w| w.set(w.get() + n as u64));
    #[cfg(not(test))]
    let _ = n;
}

/// The steps `f` took on this thread.
#[cfg(test)]
pub(crate) fn counted<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = WORK.with(|w| w.get());
    let r = f();
    (r, WORK.with(|w| w.get()) - before)
}
