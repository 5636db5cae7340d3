//! Record forms: inputs checked as the user types with the core's rules
//! (`anyuan_core::form`), drafts kept on the device as the user types, and
//! a save that writes only what changed.
//!
//! A page makes a [`FormState`] for a kind and its fields, renders one
//! [`Field`] per field (the input type, label and message come from the
//! core's field spec), and calls [`FormState::save`] on submit.

use std::collections::BTreeMap;

use anyuan_core::Lang;
use anyuan_core::form::{self, Checked, FormContext};
use anyuan_core::kind::Kind;
use anyuan_core::record::{Record, RecordId, UnitId};
use anyuan_core::sync::client::Edit;
use anyuan_core::validate::{Rule, field_spec};
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::i18n::use_i18n;
use crate::local::SaveError;
use crate::storage::{Op, Table};
use crate::sync::{SyncCtx, use_sync};

/// Labels for the codes of a [`Rule::OneOf`] field.
pub type CodeLabel = fn(&str, Lang) -> &'static str;

/// The state of one record form.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The kind the form edits.
    pub kind: Kind,
    /// What the user typed, per field.
    pub inputs: RwSignal<BTreeMap<String, String>>,
    /// Set on a submit attempt: then every problem shows, even of empty fields.
    pub touched: RwSignal<bool>,
    /// What the rules across fields compare with beyond the inputs (a
    /// lesson's class size); the page keeps it current.
    pub context: RwSignal<FormContext>,
    /// The inputs checked with the core's rules.
    pub checked: Memo<Checked>,
    /// The record being edited (`None`: a new one).
    pub id: Option<RecordId>,
    /// A save is under way.
    pub saving: RwSignal<bool>,
    /// The last save's failure.
    pub error: RwSignal<Option<SaveError>>,
    draft: StoredValue<Option<String>>,
    sync: SyncCtx,
}

/// The device key a form's draft is kept under: `<prefix>:<id>` while
/// editing a record, `<prefix>:new` while creating one.
pub fn draft_key(prefix: &str, id: Option<RecordId>) -> String {
    match id {
        Some(id) => format!("{prefix}:{id}"),
        None => format!("{prefix}:new"),
    }
}

impl FormState {
    /// A form for `kind` over `fields`, filled from `existing` (editing) or
    /// `defaults` (creating). With `draft`, what the user types is kept on
    /// the device under that key until saved, and restored when the form
    /// opens again.
    pub fn new(
        kind: Kind,
        fields: &[&str],
        existing: Option<&Record>,
        defaults: &[(&str, String)],
        draft: Option<String>,
    ) -> FormState {
        let sync = use_sync();
        let id = existing.map(|r| r.id);
        let initial: BTreeMap<String, String> =
            anyuan_core::order::map_of(fields.iter().map(|f| {
                let value = match existing {
                    Some(r) => form::input_from_value(r.get(f)),
                    None => defaults
                        .iter()
                        .find(|(k, _)| k == f)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default(),
                };
                (f.to_string(), value)
            }));
        let inputs = RwSignal::new(initial);
        let creating = existing.is_none();
        let context = RwSignal::new(FormContext {
            today: Some(crate::clock::local_now().date()),
            ..FormContext::default()
        });
        let checked = Memo::new(move |_| {
            let context = context.get();
            inputs.with(|i| form::check_with(kind, i, creating, context))
        });
        let state = FormState {
            kind,
            inputs,
            context,
            touched: RwSignal::new(false),
            checked,
            id,
            saving: RwSignal::new(false),
            error: RwSignal::new(None),
            draft: StoredValue::new(draft.clone()),
            sync,
        };
        if let Some(key) = draft {
            let store = sync.engine();
            leptos::task::spawn_local(async move {
                let saved = store.local.store().get(Table::Drafts, &key).await;
                if let Ok(Some(text)) = saved
                    && let Ok(draft) = serde_json::from_str::<BTreeMap<String, String>>(&text)
                {
                    inputs.update(|i| {
                        for (k, v) in draft {
                            if let Some(slot) = i.get_mut(&k) {
                                *slot = v;
                            }
                        }
                    });
                }
            });
        }
        state
    }

    /// The current input of `field` (tracked).
    pub fn get(&self, field: &str) -> String {
        self.inputs
            .with(|i| i.get(field).cloned().unwrap_or_default())
    }

    /// Sets what the user typed into `field` and keeps the draft.
    pub fn set(&self, field: &str, value: String) {
        self.inputs.update(|i| {
            i.insert(field.to_owned(), value);
        });
        if let Some(key) = self.draft.get_value() {
            let text = self
                .inputs
                .with_untracked(|i| serde_json::to_string(i).unwrap_or_default());
            let engine = self.sync.engine();
            leptos::task::spawn_local(async move {
                // A draft that cannot be stored is not worth an error: the
                // inputs are still on screen.
                let _ = engine
                    .local
                    .store()
                    .write(&[Op::Put(Table::Drafts, key, text)])
                    .await;
            });
        }
    }

    /// The message for `field` in `lang`, once it should be shown (tracked).
    pub fn problem(&self, field: &str, lang: Lang) -> Option<String> {
        let shown = self.touched.get() || !self.get(field).is_empty();
        self.checked.with(|c| {
            c.problems
                .get(field)
                .filter(|_| shown)
                .map(|p| lang.pick(&p.zh, &p.en).to_owned())
        })
    }

    /// Checks and saves the form as `unit`'s record (with `parent` for child
    /// kinds). Editing writes only the fields that changed, so concurrent
    /// edits of other fields survive. Returns the record's id, or `None`
    /// when the form has problems (they are then all shown) or a save is
    /// already under way.
    pub async fn save(
        self,
        unit: UnitId,
        parent: Option<RecordId>,
        extra: BTreeMap<String, Value>,
    ) -> Option<RecordId> {
        self.touched.set(true);
        let checked = self.checked.get_untracked();
        if !checked.is_ok() || self.saving.get_untracked() {
            return None;
        }
        let mut fields = checked.values;
        fields.extend(extra);
        let engine = self.sync.engine();
        let id = self.id.unwrap_or_else(|| RecordId(Uuid::now_v7()));
        if let Some(existing) = self.id.and_then(|id| engine.local.with(|r| r.record(id))) {
            fields.retain(|k, v| existing.get(k).unwrap_or(&Value::Null) != v);
        } else {
            fields.retain(|_, v| !v.is_null());
        }
        self.saving.set(true);
        let result = if fields.is_empty() {
            Ok(())
        } else {
            save_fields(self.sync, self.kind, id, unit, parent, fields).await
        };
        self.saving.set(false);
        match result {
            Ok(()) => {
                self.error.set(None);
                if let Some(key) = self.draft.get_value() {
                    let _ = engine
                        .local
                        .store()
                        .write(&[Op::Delete(Table::Drafts, key)])
                        .await;
                }
                Some(id)
            }
            Err(e) => {
                self.error.set(Some(e));
                None
            }
        }
    }
}

/// Saves field values of a record on the device (sync takes it from there).
pub async fn save_fields(
    sync: SyncCtx,
    kind: Kind,
    record: RecordId,
    unit: UnitId,
    parent: Option<RecordId>,
    fields: BTreeMap<String, Value>,
) -> Result<(), SaveError> {
    let edit = Edit {
        record,
        kind,
        unit,
        parent,
        fields,
    };
    sync.engine().save(edit).await.map(|_| ())
}

/// What to tell the user when a save failed.
pub fn save_error_text(e: &SaveError, lang: Lang) -> String {
    match e {
        SaveError::Store(s) => {
            let (zh, en) = s.message();
            lang.pick(zh, en).to_owned()
        }
        SaveError::Edit(_) => lang
            .pick(
                "未能保存：记录内容不完整。请检查后重试。",
                "Not saved: the record is incomplete. Please check it and try again.",
            )
            .to_owned(),
    }
}

/// The save error of a form, shown above its buttons.
#[component]
pub fn SaveErrorView(error: RwSignal<Option<SaveError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! { <p class="error" role="alert" data-testid="save-error">{save_error_text(&e, i18n.lang.get())}</p> }
        })
    }
}

/// One field of a record form: label, the input its rule calls for, and
/// the problem with it in the user's language. `labels` names the codes of
/// a choice field.
#[component]
pub fn Field(
    form: FormState,
    field: &'static str,
    #[prop(optional)] labels: Option<CodeLabel>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Some(spec) = field_spec(form.kind, field) else {
        return ().into_any();
    };
    let kind_name = form.kind.name();
    let testid = format!("{kind_name}-{field}");
    let error_id = format!("{testid}-error");
    let label = move || i18n.lang.get().pick(spec.zh, spec.en);
    let required = move || {
        spec.required
            .then(|| i18n.lang.get().pick(" （必填）", " (required)"))
    };
    let msg = move || form.problem(field, i18n.lang.get());
    let on_input = move |ev: leptos::ev::Event| form.set(field, event_target_value(&ev));
    let value = move || form.get(field);
    let control = match spec.rule {
        Rule::OneOf(codes) => {
            let pick = move || i18n.lang.get().pick("请选择", "Choose");
            view! {
                <select data-testid=testid.clone() aria-invalid=move || msg().is_some().to_string()
                    prop:value=value on:change=on_input>
                    <option value="">{pick}</option>
                    {codes.iter().map(|code| {
                        let text = move || labels.map(|l| l(code, i18n.lang.get())).unwrap_or(code);
                        view! { <option value=*code selected=move || value() == *code>{text}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        Rule::Choice(choices) => {
            let pick = move || i18n.lang.get().pick("请选择", "Choose");
            view! {
                <select data-testid=testid.clone() aria-invalid=move || msg().is_some().to_string()
                    prop:value=value on:change=on_input>
                    <option value="">{pick}</option>
                    {choices.iter().map(|c| {
                        let text = move || c.label(i18n.lang.get());
                        view! { <option value=c.code selected=move || value() == c.code>{text}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        Rule::Ref(target) => {
            // The unit's live records of the linked kind, by their titles.
            let sync = form.sync;
            let unit = sync.engine().session.user.unit_id;
            let options = Memo::new(move |_| {
                sync.status.data_version.track();
                let mut rows: Vec<(String, String)> = sync
                    .engine()
                    .local
                    .records_of(target)
                    .into_iter()
                    .filter(|r| r.unit == unit && !r.is_deleted())
                    .map(|r| (r.id.to_string(), anyuan_core::registry::title(&r, i18n.lang.get())))
                    .collect();
                anyuan_core::order::sort_by(&mut rows, |a, b| a.1.cmp(&b.1));
                rows
            });
            let none = move || i18n.lang.get().pick("（不关联）", "(none)");
            view! {
                <select data-testid=testid.clone() aria-invalid=move || msg().is_some().to_string()
                    prop:value=value on:change=on_input>
                    <option value="">{none}</option>
                    {move || options.get().into_iter().map(|(id, title)| {
                        let selected = id.clone();
                        view! { <option value=id selected=move || value() == selected>{title}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        Rule::Bool => view! {
            <input type="checkbox" class="checkbox" data-testid=testid.clone()
                prop:checked=move || value() == "true"
                on:change=move |ev| form.set(field, event_target_checked(&ev).to_string())/>
        }
        .into_any(),
        Rule::Text { max } if max > 200 => view! {
            <textarea rows="3" data-testid=testid.clone() aria-invalid=move || msg().is_some().to_string()
                prop:value=value on:input=on_input></textarea>
        }
        .into_any(),
        rule => {
            let (kind, mode) = match rule {
                Rule::Int { .. } => ("number", "numeric"),
                Rule::Date => ("date", "none"),
                Rule::DateTime => ("datetime-local", "none"),
                Rule::Phone => ("tel", "tel"),
                _ => ("text", "text"),
            };
            view! {
                <input type=kind inputmode=mode data-testid=testid.clone()
                    aria-invalid=move || msg().is_some().to_string()
                    prop:value=value on:input=on_input/>
            }
            .into_any()
        }
    };
    let is_check = matches!(spec.rule, Rule::Bool);
    view! {
        <label class=if is_check { "field field-check" } else { "field" }>
            <span class="label">{label}<span class="muted">{required}</span></span>
            {control}
            {move || msg().map(|m| view! { <span class="field-error" data-testid=error_id.clone()>{m}</span> })}
        </label>
    }
    .into_any()
}

/// A page form's buttons: "cancel" goes back where the user came from,
/// "save" submits (disabled while a save is under way).
#[component]
pub fn FormActions(form: FormState, save_testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="form-actions">
            <button type="button" class="btn" on:click=move |_| { let _ = window().history().map(|h| h.back()); }>
                {move || i18n.t().cancel}
            </button>
            <button type="submit" class="btn btn-primary grow" data-testid=save_testid disabled=move || form.saving.get()>
                {move || i18n.t().save}
            </button>
        </div>
    }
}
