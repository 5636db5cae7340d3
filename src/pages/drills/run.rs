//! The drill stopwatch, for a coordinator with one hand free in a
//! playground with no signal.
//!
//! Every tap is a child record saved on the device at once. The elapsed
//! time runs on the page's monotonic clock from an anchor (`wall`,
//! `elapsed`) kept in local storage every second; after a reload, a screen
//! lock or a kill, the stopwatch continues from the anchor (the wall-clock
//! gap since it was written is the only thing the wall clock decides).

use std::collections::BTreeMap;

use anyuan_core::drill::{self, Anchor, Drill, DrillKind, Entry, Status, Timing, What};
use anyuan_core::kind::Kind;
use anyuan_core::record::{RecordId, UnitId};
use gloo_storage::{LocalStorage as Settings, Storage};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use serde_json::Value;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

use super::{ClassInfo, classes_of, entries, record, route_id, stopwatch};
use crate::clock;
use crate::components::form::{SaveErrorView, save_fields};
use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::sync::{SyncCtx, use_sync};

fn anchor_key(drill: RecordId) -> String {
    format!("anyuan.drill.{drill}")
}

fn load_anchor(drill: RecordId) -> Option<Anchor> {
    Settings::get::<(i64, i64)>(anchor_key(drill))
        .ok()
        .map(|(wall, elapsed)| Anchor { wall, elapsed })
}

fn store_anchor(drill: RecordId, a: Anchor) {
    let _ = Settings::set(anchor_key(drill), (a.wall, a.elapsed));
}

/// Asks the browser to keep the screen on (Wake Lock API, where it
/// exists); the lock is kept in `slot` so it can be released.
fn keep_screen_on(slot: StoredValue<Option<JsValue>, LocalStorage>) {
    let nav: JsValue = window().navigator().into();
    let Ok(lock) = js_sys::Reflect::get(&nav, &"wakeLock".into()) else {
        return;
    };
    if lock.is_undefined() {
        return;
    }
    let Some(request) = js_sys::Reflect::get(&lock, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    let Some(promise) = request
        .call1(&lock, &"screen".into())
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
    else {
        return;
    };
    leptos::task::spawn_local(async move {
        if let Ok(sentinel) = wasm_bindgen_futures::JsFuture::from(promise).await {
            slot.set_value(Some(sentinel));
        }
    });
}

fn release_screen(slot: StoredValue<Option<JsValue>, LocalStorage>) {
    if let Some(sentinel) = slot.try_update_value(|s| s.take()).flatten()
        && let Ok(release) = js_sys::Reflect::get(&sentinel, &"release".into())
        && let Ok(f) = release.dyn_into::<js_sys::Function>()
    {
        let _ = f.call0(&sentinel);
    }
}

/// The stopwatch's clock: the anchor and the monotonic time it was taken.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Running {
    anchor: Anchor,
    mono: f64,
}

impl Running {
    fn from(anchor: Anchor) -> Running {
        Running {
            anchor,
            mono: clock::mono_ms(),
        }
    }

    fn elapsed(self) -> i64 {
        self.anchor.elapsed + (clock::mono_ms() - self.mono).max(0.0) as i64
    }
}

#[component]
pub fn DrillRun() -> impl IntoView {
    let sync = use_sync();
    let id = route_id();
    // Reactive: a drill that arrives with the first sync shows up by itself.
    let exists = Memo::new(move |_| id.is_some_and(|id| record(sync, id).is_some()));
    move || match id.filter(|_| exists.get()) {
        Some(id) => view! { <Stopwatch id=id/> }.into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    }
}

#[component]
fn Stopwatch(id: RecordId) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let lang = move || i18n.lang.get();
    let sync = use_sync();
    let device = sync.engine().local.with(|r| r.device());
    let rec = Memo::new(move |_| record(sync, id));
    let drill = Memo::new(move |_| rec.with(|r| r.as_ref().and_then(Drill::from_record)));
    let unit: UnitId = rec
        .with_untracked(|r| r.as_ref().map(|r| r.unit))
        .unwrap_or(sync.engine().session.user.unit_id);
    let kind = move || drill.with(|d| d.as_ref().and_then(|d| d.kind));
    let all_entries = Memo::new(move |_| entries(sync, id));
    let classes: Vec<ClassInfo> = {
        let unit_classes = classes_of(sync, unit);
        let chosen =
            drill.with_untracked(|d| d.as_ref().map(|d| d.classes.clone()).unwrap_or_default());
        if chosen.is_empty() {
            unit_classes
        } else {
            chosen
                .iter()
                .filter_map(|c| unit_classes.iter().find(|u| u.id == *c).cloned())
                .collect()
        }
    };
    let participating: Vec<RecordId> = classes.iter().map(|c| c.id).collect();
    let timing = Memo::new(move |_| {
        let k = drill.with(|d| d.as_ref().and_then(|d| d.kind));
        all_entries.with(|e| drill::timing(k, &participating, e))
    });

    // This device's stopwatch: its own alarm, or an anchor it kept.
    let my_alarm = all_entries.with_untracked(|e| {
        e.iter()
            .filter(|e| e.what == What::Alarm && e.device == Some(device))
            .filter_map(|e| e.at)
            .min()
    });
    let over = drill.with_untracked(|d| {
        d.as_ref()
            .is_some_and(|d| matches!(d.status, Status::Done | Status::Cancelled))
    });
    let resumed = (!over)
        .then(|| load_anchor(id))
        .flatten()
        .or(my_alarm.filter(|_| !over).map(|at| Anchor {
            wall: at,
            elapsed: 0,
        }))
        .map(|a| {
            Running::from(Anchor {
                wall: clock::wall_ms(),
                elapsed: a.elapsed_at(clock::wall_ms()),
            })
        });
    let running = RwSignal::new(resumed);
    let elapsed = RwSignal::new(resumed.map_or(0, |r| r.elapsed()));
    let wake = StoredValue::new_local(None::<JsValue>);
    if resumed.is_some() {
        keep_screen_on(wake);
    }
    let hidden = StoredValue::new(false);
    let last_store = StoredValue::new(0.0_f64);
    let tick = move || {
        let Some(r) = running.get_untracked() else {
            return;
        };
        let mut now = r.elapsed();
        // A frozen page (screen lock) may stop the monotonic clock: trust the
        // stored anchor's wall-clock gap when it says more time has passed.
        if let Some(stored) = load_anchor(id) {
            let by_wall = stored.elapsed_at(clock::wall_ms());
            if by_wall > now + 3000 {
                now = by_wall;
                running.set(Some(Running::from(Anchor {
                    wall: clock::wall_ms(),
                    elapsed: now,
                })));
            }
        }
        elapsed.set(now);
        let mono = clock::mono_ms();
        if mono - last_store.get_value() >= 1000.0 {
            last_store.set_value(mono);
            store_anchor(
                id,
                Anchor {
                    wall: clock::wall_ms(),
                    elapsed: now,
                },
            );
        }
        let is_hidden = document().hidden();
        if hidden.get_value() && !is_hidden {
            keep_screen_on(wake);
        }
        hidden.set_value(is_hidden);
    };
    if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_millis(250)) {
        on_cleanup(move || {
            handle.clear();
            release_screen(wake);
        });
    }

    let error = RwSignal::new(None::<SaveError>);
    // Saves a stopwatch entry now; returns its id.
    let record_entry = move |what: What, extra: BTreeMap<String, Value>| {
        let now = running.get_untracked().map_or(0, |r| r.elapsed());
        let mut fields = anyuan_core::order::map_of([
            ("what".to_owned(), Value::from(what.code())),
            ("at".to_owned(), Value::from(clock::wall_ms())),
            ("elapsed".to_owned(), Value::from(now)),
        ]);
        fields.extend(extra);
        let entry = RecordId(Uuid::now_v7());
        leptos::task::spawn_local(async move {
            if let Err(e) = save_fields(sync, Kind::DrillEntry, entry, unit, Some(id), fields).await
            {
                error.set(Some(e));
            }
        });
    };
    let set_status = move |status: Status| {
        leptos::task::spawn_local(async move {
            let fields =
                anyuan_core::order::map_of([("status".to_owned(), Value::from(status.code()))]);
            if let Err(e) = save_fields(sync, Kind::Drill, id, unit, None, fields).await {
                error.set(Some(e));
            }
        });
    };
    let start = move |_| {
        let r = Running::from(Anchor {
            wall: clock::wall_ms(),
            elapsed: 0,
        });
        running.set(Some(r));
        elapsed.set(0);
        store_anchor(id, r.anchor);
        keep_screen_on(wake);
        record_entry(What::Alarm, BTreeMap::new());
        if drill.with_untracked(|d| d.as_ref().map(|d| d.status)) != Some(Status::Running) {
            set_status(Status::Running);
        }
    };
    let join = move |_| {
        let since = timing
            .with_untracked(|t| t.alarm_at)
            .map_or(0, |at| (clock::wall_ms() - at).max(0));
        let r = Running::from(Anchor {
            wall: clock::wall_ms(),
            elapsed: since,
        });
        running.set(Some(r));
        elapsed.set(since);
        store_anchor(id, r.anchor);
        keep_screen_on(wake);
    };
    let navigate = use_navigate();
    let finish = move |_| {
        let sure = window()
            .confirm_with_message(t().finish_confirm)
            .unwrap_or(true);
        if !sure {
            return;
        }
        set_status(Status::Done);
        Settings::delete(anchor_key(id));
        running.set(None);
        release_screen(wake);
        navigate(&format!("/drills/{id}/evaluate"), Default::default());
    };
    let started_here = move || running.with(|r| r.is_some());
    let started_elsewhere = move || timing.with(|t| t.started);
    let milestones = move || kind().unwrap_or(DrillKind::Fire).milestones();
    let has_arrivals = move || kind().is_none_or(|k| k.has_arrivals());

    view! {
        <section class="page drill-run" data-testid="page-drill-run">
            <p class="drill-banner" role="status">{move || t().banner}</p>
            <h1 class="page-title">
                {move || kind().map(|k| k.label(lang())).unwrap_or_default()}
            </h1>
            <div class="stopwatch" aria-live="off">
                <span class="muted">{move || t().elapsed}</span>
                <span class="stopwatch-time" data-testid="drill-elapsed">{move || stopwatch(elapsed.get())}</span>
            </div>
            {over.then(|| view! { <p class="banner banner-ok">{move || t().finished}</p> })}
            {move || (!over && !started_here()).then(|| view! {
                <div class="start-block">
                    <button class="btn btn-alarm btn-block" data-testid="drill-alarm" on:click=start>
                        {move || t().alarm}
                    </button>
                    <p class="muted">{move || t().alarm_hint}</p>
                    {move || started_elsewhere().then(|| view! {
                        <p class="muted">{move || t().join_hint}</p>
                        <button class="btn btn-block" data-testid="drill-join" on:click=join>{move || t().join}</button>
                    })}
                </div>
            })}
            <SaveErrorView error=error/>
            {move || started_here().then(|| {
                let classes = classes.clone();
                view! {
                    <AccountabilityLine timing=timing classes=classes.clone()/>
                    <h2>{move || t().milestones}</h2>
                    <div class="milestones">
                        {move || milestones().iter().map(|&w| {
                            let at = move || timing.with(|t| t.milestones.get(&w).copied());
                            view! {
                                <button class="btn milestone" data-testid=format!("drill-milestone-{}", w.code())
                                    aria-pressed=move || at().is_some().to_string()
                                    on:click=move |_| record_entry(w, BTreeMap::new())>
                                    <span>{move || w.label(lang())}</span>
                                    <span class="milestone-time">{move || at().map(|s| stopwatch(s * 1000)).unwrap_or_default()}</span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    {move || has_arrivals().then(|| {
                        let classes = classes.clone();
                        view! {
                            <h2>{move || t().arrivals}</h2>
                            <ul class="cards arrivals" data-testid="drill-arrivals">
                                {classes.into_iter().map(|c| view! {
                                    <ClassRow class=c timing=timing entries=all_entries record_entry=record_entry/>
                                }).collect_view()}
                            </ul>
                        }
                    })}
                    <div class="primary-action">
                        <button class="btn btn-primary btn-block" data-testid="drill-finish" on:click=finish.clone()>
                            {move || t().finish}
                        </button>
                    </div>
                }
            })}
            <p><A href=format!("/drills/{id}")>{move || t().open}</A></p>
        </section>
    }
}

/// "Still missing: …" while classes are out, then the time to full
/// accountability.
#[component]
fn AccountabilityLine(timing: Memo<Timing>, classes: Vec<ClassInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let name = move |id: RecordId| {
        classes
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    view! {
        <div class="accountability" data-testid="drill-accountability-line">
            {move || timing.with(|tm| {
                if tm.missing_classes.is_empty() {
                    let time = tm.accountability.map(|s| stopwatch(s * 1000)).unwrap_or_default();
                    view! {
                        <p class="banner banner-ok" data-testid="drill-all-arrived">
                            {t().all_arrived}" · "{t().accountability}" "{time}
                        </p>
                    }.into_any()
                } else {
                    let names: Vec<String> = tm.missing_classes.iter().map(|c| name(*c)).collect();
                    view! {
                        <p class="banner banner-warn" data-testid="drill-missing">
                            {t().still_missing}" ("{names.len()}"): "{names.join("、")}
                        </p>
                    }.into_any()
                }
            })}
        </div>
    }
}

/// One class: a tap records its arrival now with the expected headcount
/// all present; the counts can then be corrected.
#[component]
fn ClassRow(
    class: ClassInfo,
    timing: Memo<Timing>,
    entries: Memo<Vec<Entry>>,
    record_entry: impl Fn(What, BTreeMap<String, Value>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let sync = use_sync();
    let key = class.id.to_string();
    let key2 = key.clone();
    let arrival = move || timing.with(|tm| tm.arrivals.iter().find(|a| a.class == key).cloned());
    let editing = RwSignal::new(false);
    let name = class.name.clone();
    let size = class.size;
    let arrive = move |_| {
        let expected = size.unwrap_or(0);
        record_entry(
            What::Arrival,
            anyuan_core::order::map_of([
                ("class".to_owned(), Value::from(key2.clone())),
                ("class_name".to_owned(), Value::from(name.clone())),
                ("expected".to_owned(), Value::from(expected)),
                ("present".to_owned(), Value::from(expected)),
                ("missing".to_owned(), Value::from(0)),
                ("injured".to_owned(), Value::from(0)),
            ]),
        );
    };
    let class_id = class.id;
    // The latest arrival entry of this class, to correct its counts.
    let latest = move || {
        let c = class_id.to_string();
        entries.with(|e| {
            e.iter()
                .filter(|e| e.what == What::Arrival && e.class.as_deref() == Some(c.as_str()))
                .max_by_key(|e| e.stamp)
                .cloned()
        })
    };
    let class_name = class.name.clone();
    view! {
        <li class="card arrival" data-testid="drill-class" data-class=class.name.clone()>
            {move || match arrival() {
                None => view! {
                    <button class="btn btn-block arrival-tap" data-testid="drill-class-arrive" on:click=arrive.clone()>
                        <strong>{class_name.clone()}</strong>
                        <span class="muted">{move || t().not_arrived}</span>
                    </button>
                }.into_any(),
                Some(a) => view! {
                    <div class="row-card">
                        <div class="grow">
                            <strong>{a.class_name.clone()}</strong>
                            <span data-testid="drill-class-time">{a.seconds.map(|s| stopwatch(s * 1000)).unwrap_or_default()}</span>
                            <span class="muted" data-testid="drill-class-counts">
                                {move || t().present}" "{a.present.unwrap_or(0)}" / "{move || t().expected}" "{a.expected.unwrap_or(0)}
                                {(a.missing.unwrap_or(0) > 0).then(|| format!(" · {} {}", t().missing, a.missing.unwrap_or(0)))}
                                {(a.injured.unwrap_or(0) > 0).then(|| format!(" · {} {}", t().injured, a.injured.unwrap_or(0)))}
                            </span>
                            {a.recorded_twice.then(|| view! { <span class="muted">{move || t().recorded_twice}</span> })}
                        </div>
                        <button class="btn" data-testid="drill-class-fix" on:click=move |_| editing.update(|e| *e = !*e)>
                            {move || t().counts_fix}
                        </button>
                    </div>
                }.into_any(),
            }}
            {move || editing.get().then(|| latest().map(|e| view! {
                <CountsForm entry=e sync=sync on_done=move || editing.set(false)/>
            }))}
        </li>
    }
}

/// Corrects an arrival's counts (only the changed fields are written).
#[component]
fn CountsForm(
    entry: Entry,
    sync: SyncCtx,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.t().drill;
    let Some(rec) = record(sync, entry.id) else {
        return ().into_any();
    };
    let form = crate::components::form::FormState::new(
        Kind::DrillEntry,
        &["present", "expected", "missing", "injured"],
        Some(&rec),
        &[],
        None,
    );
    let unit = rec.unit;
    let parent = rec.parent;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            if form.save(unit, parent, BTreeMap::new()).await.is_some() {
                on_done();
            }
        });
    };
    use crate::components::form::Field;
    view! {
        <form class="form counts" on:submit=submit novalidate data-testid="drill-counts-form">
            <div class="counts-grid">
                <Field form=form field="present"/>
                <Field form=form field="expected"/>
                <Field form=form field="missing"/>
                <Field form=form field="injured"/>
            </div>
            <SaveErrorView error=form.error/>
            <button type="submit" class="btn btn-primary btn-block" data-testid="drill-counts-save">{move || t().counts_save}</button>
        </form>
    }
    .into_any()
}
