//! Sync transport and scheduling. The merge rules are the core's; this
//! module only decides *when* to push and pull, moves the bytes, and keeps
//! the status signals the header shows.
//!
//! When: at start, on the browser's `online` event, shortly after each local
//! save (debounced), every 30 s, and when the user taps "sync now". On
//! failure it backs off exponentially with jitter, honouring `Retry-After`.
//! Tabs of the same user take a Web Lock, so two tabs never push the same
//! outbox at once; a tab reloads the stored state when another tab wrote.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use anyuan_core::sync::client::Edit;
use anyuan_core::wire::{ChangeId, PullResponseV1, PushResponseV1};
use gloo_storage::{LocalStorage as Settings, Storage};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError};
use crate::local::{Local, SaveError};
use crate::session::{Session, device_id};
use crate::storage::{Store, StoreError};

const PUSH_BATCH: usize = 200;
const PULL_PAGE: u32 = 1000;
const PERIOD: Duration = Duration::from_secs(30);
const AFTER_SAVE: Duration = Duration::from_millis(1500);
const MAX_BACKOFF_MS: f64 = 5.0 * 60.0 * 1000.0;
const OFFLINE_MAX_BACKOFF_MS: f64 = 20.0 * 1000.0;

/// Why the last sync did not finish: the network or server, or this
/// device's own storage (which is not the server's fault and must not be
/// shown as such).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncProblem {
    /// The request failed or the server refused it.
    Api(ApiError),
    /// Writing what the server answered to IndexedDB failed.
    Store(StoreError),
}

impl From<ApiError> for SyncProblem {
    fn from(e: ApiError) -> Self {
        SyncProblem::Api(e)
    }
}

impl From<StoreError> for SyncProblem {
    fn from(e: StoreError) -> Self {
        SyncProblem::Store(e)
    }
}

/// What the header and the sync page show. All signals, so views update.
#[derive(Clone, Copy)]
pub struct SyncStatus {
    pub online: RwSignal<bool>,
    pub running: RwSignal<bool>,
    pub waiting: RwSignal<usize>,
    pub refused: RwSignal<usize>,
    pub last_sync_ms: RwSignal<Option<f64>>,
    /// The last failure, if the last attempt failed.
    pub problem: RwSignal<Option<SyncProblem>>,
    /// The server no longer accepts the session: sign in again.
    pub expired: RwSignal<bool>,
    /// Bumped whenever the local data changed; views depend on it.
    pub data_version: RwSignal<u64>,
}

impl SyncStatus {
    fn new() -> SyncStatus {
        SyncStatus {
            online: RwSignal::new(window().navigator().on_line()),
            running: RwSignal::new(false),
            waiting: RwSignal::new(0),
            refused: RwSignal::new(0),
            last_sync_ms: RwSignal::new(None),
            problem: RwSignal::new(None),
            expired: RwSignal::new(false),
            data_version: RwSignal::new(0),
        }
    }
}

/// A signed-in user's sync engine.
pub struct Engine {
    pub local: Local,
    pub session: Session,
    pub status: SyncStatus,
    failures: Cell<u32>,
    running: Cell<bool>,
    again: Cell<bool>,
    timer: RefCell<Option<TimeoutHandle>>,
    generation: Cell<u64>,
}

/// The context the pages use: the engine (not `Send`, so kept in local
/// storage of the reactive system) and its status signals.
#[derive(Clone, Copy)]
pub struct SyncCtx {
    pub status: SyncStatus,
    engine: StoredValue<Rc<Engine>, LocalStorage>,
}

impl SyncCtx {
    pub fn engine(&self) -> Rc<Engine> {
        self.engine.get_value()
    }
}

pub fn use_sync() -> SyncCtx {
    expect_context::<SyncCtx>()
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn generation_key(session: &Session) -> String {
    format!("anyuan.gen.{}", session.user.id)
}

impl Engine {
    /// Opens the user's local database and starts syncing.
    pub async fn start(
        session: Session,
        on_blocked: impl FnOnce() + 'static,
        on_stale: impl FnOnce() + 'static,
    ) -> Result<SyncCtx, StoreError> {
        let store = Store::open(
            &crate::session::database_name(&session.user),
            on_blocked,
            on_stale,
        )
        .await?;
        let local = Local::load(store, device_id().await).await?;
        let generation = Settings::get::<u64>(generation_key(&session)).unwrap_or(0);
        let engine = Rc::new(Engine {
            local,
            session,
            status: SyncStatus::new(),
            failures: Cell::new(0),
            running: Cell::new(false),
            again: Cell::new(false),
            timer: RefCell::new(None),
            generation: Cell::new(generation),
        });
        engine.refresh();
        let ctx = SyncCtx {
            status: engine.status,
            engine: StoredValue::new_local(engine.clone()),
        };
        let weak = Rc::downgrade(&engine);
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            if let Some(e) = weak.upgrade() {
                e.status.online.set(true);
                e.schedule(Duration::ZERO);
            }
        });
        let status = engine.status;
        let on_offline = window_event_listener(leptos::ev::offline, move |_| {
            status.online.set(false);
        });
        let weak = Rc::downgrade(&engine);
        let interval = set_interval_with_handle(
            move || {
                if let Some(e) = weak.upgrade()
                    && e.timer.borrow().is_none()
                {
                    e.schedule(Duration::ZERO);
                }
            },
            PERIOD,
        )
        .ok();
        on_cleanup(move || {
            on_online.remove();
            on_offline.remove();
            if let Some(i) = interval {
                i.clear();
            }
        });
        // Ask once that the browser keeps our data under storage pressure.
        leptos::task::spawn_local(async {
            crate::storage::request_persistence().await;
        });
        engine.schedule(Duration::ZERO);
        Ok(ctx)
    }

    /// Copies counts from the local data into the status signals.
    fn refresh(&self) {
        let (waiting, refused) = self.local.with(|r| (r.outbox.len(), r.refused.len()));
        self.status.waiting.set(waiting);
        self.status.refused.set(refused);
        self.status.data_version.update(|v| *v += 1);
    }

    /// Notes that this tab wrote, so other tabs of the user reload.
    fn bump_generation(&self) {
        let key = generation_key(&self.session);
        let next = Settings::get::<u64>(&key)
            .unwrap_or(0)
            .max(self.generation.get())
            + 1;
        let _ = Settings::set(&key, next);
        self.generation.set(next);
    }

    /// Saves an edit locally (on disk before this returns Ok) and schedules
    /// a push.
    pub async fn save(self: &Rc<Self>, edit: Edit) -> Result<ChangeId, SaveError> {
        let change = self.local.save(edit, now_ms() as u64).await?;
        self.bump_generation();
        self.refresh();
        self.schedule(AFTER_SAVE);
        Ok(change.id)
    }

    pub async fn discard_refused(self: &Rc<Self>, id: ChangeId) -> Result<(), StoreError> {
        self.local.discard_refused(id).await?;
        self.bump_generation();
        self.refresh();
        Ok(())
    }

    pub async fn resend_refused(
        self: &Rc<Self>,
        id: ChangeId,
        corrected: std::collections::BTreeMap<String, serde_json::Value>,
    ) -> Result<(), SaveError> {
        self.local
            .resend_refused(id, corrected, now_ms() as u64)
            .await?;
        self.bump_generation();
        self.refresh();
        self.schedule(Duration::ZERO);
        Ok(())
    }

    /// Runs a sync after `delay`, replacing any sync already planned.
    pub fn schedule(self: &Rc<Self>, delay: Duration) {
        if let Some(t) = self.timer.borrow_mut().take() {
            t.clear();
        }
        let weak = Rc::downgrade(self);
        let handle = set_timeout_with_handle(
            move || {
                if let Some(e) = weak.upgrade() {
                    e.timer.borrow_mut().take();
                    leptos::task::spawn_local(async move { e.run().await });
                }
            },
            delay,
        );
        *self.timer.borrow_mut() = handle.ok();
    }

    /// One sync attempt now (the "sync now" button).
    pub fn sync_now(self: &Rc<Self>) {
        self.failures.set(0);
        self.schedule(Duration::ZERO);
    }

    async fn run(self: Rc<Self>) {
        if self.running.replace(true) {
            self.again.set(true);
            return;
        }
        self.status.running.set(true);
        let lock = format!("anyuan-sync-{}", self.session.user.id);
        let me = self.clone();
        let outcome = with_lock(&lock, async move { me.cycle().await }).await;
        self.running.set(false);
        self.status.running.set(false);
        match outcome {
            // Another tab is syncing this user's data right now.
            None => self.schedule(Duration::from_secs(5)),
            Some(Ok(())) => {
                self.failures.set(0);
                self.status.problem.set(None);
                self.status.online.set(true);
                self.status.last_sync_ms.set(Some(now_ms()));
                if self.again.replace(false) || self.local.waiting() > 0 {
                    self.schedule(Duration::ZERO);
                }
            }
            Some(Err(e)) => {
                let n = self.failures.get() + 1;
                self.failures.set(n);
                let offline = e == SyncProblem::Api(ApiError::Offline);
                if offline {
                    self.status.online.set(false);
                }
                if e == SyncProblem::Api(ApiError::Unauthorized) {
                    self.status.expired.set(true);
                }
                let retry_after = match &e {
                    SyncProblem::Api(ApiError::Busy {
                        retry_after_secs: Some(s),
                    }) => *s as f64 * 1000.0,
                    _ => 0.0,
                };
                // With no network a retry costs nothing, so keep trying often
                // enough that work reaches the office soon after a typhoon.
                let cap = if offline {
                    OFFLINE_MAX_BACKOFF_MS
                } else {
                    MAX_BACKOFF_MS
                };
                self.status.problem.set(Some(e));
                let delay = backoff_ms(n, js_sys::Math::random())
                    .min(cap)
                    .max(retry_after);
                self.schedule(Duration::from_millis(delay as u64));
            }
        }
    }

    /// Push everything waiting, then pull until up to date.
    async fn cycle(self: &Rc<Self>) -> Result<(), SyncProblem> {
        let key = generation_key(&self.session);
        let stored = Settings::get::<u64>(&key).unwrap_or(0);
        if stored != self.generation.get() {
            self.local.reload().await?;
            self.generation.set(stored);
            self.refresh();
        }
        let token = self.session.token.clone();
        while let Some(batch) = self.local.with(|r| r.push_batch(PUSH_BATCH)) {
            let resp: PushResponseV1 = api::post("/api/sync/push", Some(&token), &batch).await?;
            self.local.on_push_response(&resp).await?;
            self.bump_generation();
            self.refresh();
        }
        loop {
            let req = self.local.with(|r| r.pull_request(PULL_PAGE));
            let resp: PullResponseV1 = api::post("/api/sync/pull", Some(&token), &req).await?;
            let more = resp.more;
            self.local.on_pull(resp, now_ms() as u64).await?;
            self.bump_generation();
            self.refresh();
            if !more {
                return Ok(());
            }
        }
    }
}

/// Exponential backoff with jitter: about 2 s, 4 s, 8 s … up to 5 minutes,
/// each scaled by a random factor in [0.5, 1.5) so devices spread out.
pub fn backoff_ms(failures: u32, random: f64) -> f64 {
    let base = 2000.0 * 2f64.powi(failures.saturating_sub(1).min(20) as i32);
    base.min(MAX_BACKOFF_MS) * (0.5 + random)
}

/// Runs `job` while holding the Web Lock `name` if it is free; `None` if
/// another tab holds it. Browsers without Web Locks just run the job.
async fn with_lock<T: 'static>(
    name: &str,
    job: impl std::future::Future<Output = T> + 'static,
) -> Option<T> {
    let locks = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null());
    let Some(locks) = locks else {
        return Some(job.await);
    };
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let slot = result.clone();
    let job = RefCell::new(Some(Box::pin(job)));
    let callback = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
        if lock.is_null() {
            return js_sys::Promise::resolve(&JsValue::FALSE);
        }
        let job = job.borrow_mut().take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(job) = job {
                *slot.borrow_mut() = Some(job.await);
            }
            Ok(JsValue::TRUE)
        })
    });
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let request = js_sys::Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let request = request?;
    let promise = request
        .call3(&locks, &JsValue::from_str(name), &options, &callback)
        .ok()?;
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await;
    result.borrow_mut().take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        assert_eq!(backoff_ms(1, 0.5), 2000.0);
        assert_eq!(backoff_ms(2, 0.5), 4000.0);
        assert_eq!(backoff_ms(30, 0.5), MAX_BACKOFF_MS);
        assert!(backoff_ms(3, 0.0) < backoff_ms(3, 0.99));
    }
}
