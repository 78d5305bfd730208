//! Deterministic DataLoader batching. A DataLoader batches the keys requested
//! before its batch task runs. On a multi-threaded runtime, with a timer as the
//! only signal, that task may run while the resolvers are still requesting keys
//! (async-graphql resolves a long list over several polls, as its futures yield
//! to the scheduler), splitting one level of a list into several batches at
//! random. The gate lets a request's batch tasks run only when the request's
//! resolvers are idle: their last poll returned Pending without waking itself,
//! so they wait on the loaders or the database and every key of the pass is in.
//! The statement count of a request then depends on the query, not on timing.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::task::{Context, Poll, Wake, Waker};

thread_local! {
    /// The `started` flag of the batch task being polled on this thread.
    static POLLING: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Called by a loader as its batch begins: the keys are taken, so the batch
/// needs the gate no more. From then on it runs whenever it is woken, because
/// holding it back mid-query would keep its database connection checked out
/// (and a busy pool could then starve the resolvers it waits for).
pub fn batch_started() {
    POLLING.with(|p| {
        if let Some(flag) = &*p.borrow() {
            flag.store(true, Ordering::SeqCst);
        }
    });
}

#[derive(Default)]
pub struct PollGate {
    /// Held while the resolvers or a batch task are being polled.
    exclusive: Mutex<()>,
    /// The resolvers are waiting on something else than their own wake-up.
    idle: AtomicBool,
    waiting: Mutex<Vec<Waker>>,
}

impl PollGate {
    /// A gate that never holds a batch back: for work not wrapped in
    /// [`PollGate::resolver`], such as a subscription's items.
    pub fn open() -> Self {
        PollGate { idle: AtomicBool::new(true), ..Default::default() }
    }

    fn waiters(&self) -> MutexGuard<'_, Vec<Waker>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wraps the request's execution.
    pub fn resolver<F: Future>(self: &Arc<Self>, fut: F) -> Resolver<F> {
        Resolver { inner: Box::pin(fut), gate: self.clone() }
    }

    /// Spawns a batch task that runs only while the resolvers are idle.
    pub fn spawn_batch(
        self: &Arc<Self>,
        fut: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(Batch { inner: Box::pin(fut), gate: self.clone(), started: Arc::default() })
    }
}

/// Forwards wake-ups and remembers that one happened.
struct Flagged {
    inner: Waker,
    woken: AtomicBool,
}

impl Wake for Flagged {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.inner.wake_by_ref();
    }
}

pub struct Resolver<F: Future> {
    inner: Pin<Box<F>>,
    gate: Arc<PollGate>,
}

impl<F: Future> Future for Resolver<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let gate = self.gate.clone();
        let flagged = Arc::new(Flagged { inner: cx.waker().clone(), woken: AtomicBool::new(false) });
        let waker = Waker::from(flagged.clone());
        let out = {
            let _held = gate.exclusive.lock().unwrap_or_else(|e| e.into_inner());
            gate.idle.store(false, Ordering::SeqCst);
            let out = self.inner.as_mut().poll(&mut Context::from_waker(&waker));
            if out.is_pending() && !flagged.woken.load(Ordering::SeqCst) {
                gate.idle.store(true, Ordering::SeqCst);
            }
            out
        };
        if out.is_ready() || gate.idle.load(Ordering::SeqCst) {
            gate.idle.store(true, Ordering::SeqCst);
            for w in gate.waiters().drain(..) {
                w.wake();
            }
        }
        out
    }
}

struct Batch {
    inner: Pin<Box<dyn Future<Output = ()> + Send>>,
    gate: Arc<PollGate>,
    started: Arc<AtomicBool>,
}

impl Batch {
    fn poll_inner(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let previous = POLLING.with(|p| p.borrow_mut().replace(self.started.clone()));
        let out = self.inner.as_mut().poll(cx);
        POLLING.with(|p| *p.borrow_mut() = previous);
        out
    }
}

impl Future for Batch {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.started.load(Ordering::SeqCst) {
            return self.poll_inner(cx);
        }
        let gate = self.gate.clone();
        let held = match gate.exclusive.try_lock() {
            Ok(g) => Some(g),
            Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        if held.is_none() || !gate.idle.load(Ordering::SeqCst) {
            gate.waiters().push(cx.waker().clone());
            drop(held);
            // The resolvers may have gone idle in between: check once more.
            let again = match gate.exclusive.try_lock() {
                Ok(g) => g,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => return Poll::Pending,
            };
            if !gate.idle.load(Ordering::SeqCst) {
                return Poll::Pending;
            }
            let out = self.poll_inner(cx);
            drop(again);
            return out;
        }
        let out = self.poll_inner(cx);
        drop(held);
        out
    }
}
