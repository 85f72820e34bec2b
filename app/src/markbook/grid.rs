//! The assessment grid: pupils down, criteria across, following the ARIA grid
//! pattern (one tab stop, roving focus). Every judgement is shown at once,
//! saved in the background, retried until it is saved, and changes other
//! teachers save appear as they happen.
//!
//! The cells are written as one HTML string, on the server and in the
//! browser alike, and a change paints just its own cells (and shares):
//! thousands of cells render, hydrate and update far faster that way than
//! as a reactive view each. Focus moves the same way, by setting `tabindex`
//! on two cells, so a keystroke touches only what changed, however large
//! the grid.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    fmt::Write,
    time::Duration,
};

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTableCellElement, HtmlTableElement};

use super::{
    api::{cell_history, open_grid, save_judgements},
    layout::{Advance, Layout},
    model::{
        read_pasted, share, Grid, HistoryEntry, JudgementChange, Level, LiveChange, Pasted, Shown,
        MOST_CHANGES,
    },
};
use crate::{
    error::AppError,
    ids::{CriterionId, GroupId, LevelId, PupilId},
    school::model::year_label,
    ui::{
        ask_before_leaving,
        save_queue::{Outcome, SaveQueue},
    },
};

/// Where a cell's judgement is on its way to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saving {
    Saved,
    Pending,
    Failed,
    /// Just changed by someone else.
    Changed,
}

/// One cell's judgement, and where it is on its way to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    level: Option<LevelId>,
    saving: Saving,
}

/// What the save line says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct SaveLine {
    unsaved: usize,
    problem: Option<String>,
    retrying: bool,
    /// Changes the server refused (a pupil who left the group, a retired
    /// criterion): shown until the next save goes through.
    refused: Option<String>,
}

/// Everything the grid's handlers share; all `Copy` handles.
#[derive(Clone, Copy)]
struct Ctx {
    group: GroupId,
    shown: StoredValue<Shown>,
    can_edit: bool,
    /// Where each judgement sits (see [`Layout`]).
    layout: Layout,
    /// Row by row, as [`Layout::index`] numbers them.
    cells: StoredValue<Vec<Cell>>,
    /// The levels that count as secured, for the shares.
    secured: StoredValue<HashSet<LevelId>>,
    pupils: StoredValue<Vec<(PupilId, String)>>,
    criteria: StoredValue<Vec<(CriterionId, String)>>,
    scale: StoredValue<Vec<Level>>,
    queue: StoredValue<SaveQueue>,
    line: RwSignal<SaveLine>,
    /// The focused position: row 0 is the header row, column 0 the names.
    focus: StoredValue<(usize, usize)>,
    focused_label: RwSignal<String>,
    announce: RwSignal<String>,
    advance: RwSignal<Advance>,
    history: RwSignal<Option<History>>,
    table: NodeRef<leptos::html::Table>,
}

#[derive(Debug, Clone, PartialEq)]
struct History {
    about: String,
    entries: Option<Result<Vec<HistoryEntry>, AppError>>,
}

#[component]
pub fn GridView(grid: Grid) -> impl IntoView {
    let rows = grid.pupils.len();
    let cols = grid.criteria.len();
    let cells: Vec<Cell> = grid
        .cells
        .iter()
        .map(|level| Cell {
            level: *level,
            saving: Saving::Saved,
        })
        .collect();
    let ctx = Ctx {
        group: grid.shown.group,
        shown: StoredValue::new(grid.shown.clone()),
        can_edit: grid.can_edit,
        layout: Layout { rows, cols },
        cells: StoredValue::new(cells),
        secured: StoredValue::new(
            grid.scale
                .iter()
                .filter(|l| l.secured)
                .map(|l| l.id)
                .collect(),
        ),
        pupils: StoredValue::new(grid.pupils.iter().map(|p| (p.id, p.name.clone())).collect()),
        criteria: StoredValue::new(
            grid.criteria
                .iter()
                .map(|c| (c.id, c.statement.clone()))
                .collect(),
        ),
        scale: StoredValue::new(grid.scale.clone()),
        queue: StoredValue::new(SaveQueue::default()),
        line: RwSignal::new(SaveLine::default()),
        focus: StoredValue::new(Layout { rows, cols }.first()),
        focused_label: RwSignal::new(String::new()),
        announce: RwSignal::new(String::new()),
        advance: RwSignal::new(Advance::Down),
        history: RwSignal::new(None),
        table: NodeRef::new(),
    };
    ctx.focused_label.set(ctx.describe(ctx.focus.get_value()));
    ctx.listen_live();
    ctx.guard_unsaved();

    let caption = format!("{}, {}", grid.group_name, grid.subject_name);
    let (head, body) = ctx.markup(&grid);

    view! {
        <section class="markbook" aria-label="Judgements">
            <Toolbar ctx />
            {if cols == 0 {
                view! { <p class="empty">"No criteria match. Choose another year or strand."</p> }.into_any()
            } else if rows == 0 {
                view! { <p class="empty">"This group has no pupils on the roll."</p> }.into_any()
            } else {
                view! {
                    <div class="grid-scroll" role="region" aria-label="Markbook grid, scrolls both ways">
                        <table
                            class="grid"
                            role="grid"
                            // Clicks and keys made before the page is
                            // interactive are kept and replayed (shell::EARLY_INPUT).
                            data-early-input=""
                            aria-readonly=(!ctx.can_edit).then_some("true")
                            aria-rowcount=rows + 1
                            aria-colcount=cols + 1
                            node_ref=ctx.table
                            on:keydown=move |ev| ctx.on_key(ev)
                            on:click=move |ev| ctx.on_click(ev)
                            on:paste=move |ev| ctx.on_paste(ev)
                        >
                            <caption class="visually-hidden">{caption}</caption>
                            <thead role="rowgroup" inner_html=head></thead>
                            <tbody role="rowgroup" inner_html=body></tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <span id="after-grid" tabindex="-1"></span>
            <HistoryPanel ctx />
            <p class="visually-hidden" role="status">{move || ctx.announce.get()}</p>
        </section>
    }
}

/// Above the grid: the focused cell, the scale as buttons (for a mouse or a
/// phone), where focus goes after typing, and whether everything is saved.
#[component]
fn Toolbar(ctx: Ctx) -> impl IntoView {
    let scale = ctx.scale.get_value();
    let key = scale
        .iter()
        .map(|level| {
            view! {
                <li><span class=format!("key level-{}", level.colour)>{level.key.clone()}</span>" "{level.label.clone()}</li>
            }
        })
        .collect_view();
    let buttons = scale
        .into_iter()
        .map(|level| {
            let id = level.id;
            view! {
                <button
                    type="button"
                    class=format!("level-button level-{}", level.colour)
                    on:mousedown=|ev| ev.prevent_default()
                    on:click=move |_| ctx.set_focused(Some(id))
                >
                    {level.key.clone()}" "{level.label.clone()}
                </button>
            }
        })
        .collect_view();
    let line = move || {
        let line = ctx.line.get();
        match (&line.problem, line.unsaved) {
            (_, 0) if line.refused.is_some() => line.refused.clone().unwrap_or_default(),
            (_, 0) => "All changes saved.".to_owned(),
            (None, n) => format!("Saving {n}…"),
            (Some(problem), n) if line.retrying => {
                format!("{n} not saved yet: {problem} Markwell keeps trying.")
            }
            (Some(problem), n) => format!("{n} not saved: {problem}"),
        }
    };
    let failing = move || {
        ctx.line
            .with(|l| (l.problem.is_some() && l.unsaved > 0) || l.refused.is_some())
    };
    view! {
        <div class="grid-tools">
            <p class="focused" aria-hidden="true">{move || ctx.focused_label.get()}</p>
            <ul class="scale-key" aria-label="Scale">{key}</ul>
            {ctx.can_edit.then(|| view! {
                <div class="set-buttons" role="group" aria-label="Set the focused cell">
                    {buttons}
                    <button
                        type="button"
                        class="secondary"
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| ctx.set_focused(None)
                    >"Clear"</button>
                    <button
                        type="button"
                        class="secondary"
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| ctx.open_history()
                    >"History"</button>
                </div>
                <div class="field inline">
                    <label for="markbook-advance">"After typing, move"</label>
                    <select
                        id="markbook-advance"
                        on:change=move |ev| ctx.advance.set(match event_target_value(&ev).as_str() {
                            "right" => Advance::Right,
                            "stay" => Advance::Stay,
                            _ => Advance::Down,
                        })
                    >
                        <option value="down" selected>"Down to the next pupil"</option>
                        <option value="right">"Right to the next criterion"</option>
                        <option value="stay">"Nowhere"</option>
                    </select>
                </div>
            })}
            {(!ctx.can_edit).then(|| view! {
                <p class="note">"You can read this group's markbook. Its teachers and admins change it."</p>
                <button type="button" class="secondary" on:click=move |_| ctx.open_history()>"History"</button>
            })}
            <p class="save-line" class:failing=failing>
                {line}
                {move || failing().then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| ctx.flush()>"Try again now"</button>
                })}
            </p>
            <details class="keys">
                <summary>"Keys"</summary>
                <ul>
                    <li>"Arrow keys, Tab, Home and End move; Page Up and Page Down move ten pupils."</li>
                    <li>"Type a scale key (such as 2) to set the judgement; Delete clears it."</li>
                    <li>"On a pupil's name, a key sets the whole row; on a criterion, the whole column."</li>
                    <li>"Enter on a pupil's name opens their page (so does a click on the name once it is chosen)."</li>
                    <li>"Paste a block copied from a spreadsheet at the focused cell."</li>
                    <li>"H shows the focused cell's history; Escape closes it."</li>
                    <li>"Escape takes you on past the grid."</li>
                </ul>
            </details>
        </div>
    }
}

#[component]
fn HistoryPanel(ctx: Ctx) -> impl IntoView {
    view! {
        <div class="history" aria-live="polite">
            {move || ctx.history.get().map(|history| view! {
                <section aria-labelledby="history-title">
                    <h2 id="history-title">"History: "{history.about}</h2>
                    {match history.entries {
                        None => view! { <p>"Loading…"</p> }.into_any(),
                        Some(Err(error)) => view! { <p class="error-note">{error.to_string()}</p> }.into_any(),
                        Some(Ok(entries)) if entries.is_empty() => view! {
                            <p>"No judgement has been recorded here yet."</p>
                        }.into_any(),
                        Some(Ok(entries)) => view! {
                            <ol>
                                {entries.into_iter().map(|e| view! {
                                    <li><strong>{e.judgement}</strong>" by "{e.by}", "{e.at}</li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                    }}
                    <button type="button" class="secondary" on:click=move |_| {
                        ctx.history.set(None);
                        ctx.refocus();
                    }>"Close history"</button>
                </section>
            })}
        </div>
    }
}

impl Ctx {
    fn level(&self, id: LevelId) -> Option<Level> {
        self.scale
            .with_value(|scale| scale.iter().find(|l| l.id == id).cloned())
    }

    fn cell_class(&self, cell: Cell) -> String {
        let colour = cell.level.and_then(|id| {
            self.scale
                .with_value(|s| s.iter().find(|l| l.id == id).map(|l| l.colour.clone()))
        });
        let state = match cell.saving {
            Saving::Saved => "",
            Saving::Pending => " pending",
            Saving::Failed => " failed",
            Saving::Changed => " changed",
        };
        match colour {
            // Colours come from COLOURS, checked when saved; escaped all the same.
            Some(colour) => format!("level-{}{state}", attribute(&colour)),
            None => state.trim_start().to_owned(),
        }
    }

    /// What a cell shows, the level's key, and its name for a screen
    /// reader: the key (what is seen is in the name) with the level's label,
    /// and whether it is saved. The name is an attribute, not hidden text,
    /// so each of the grid's thousands of cells is one element to lay out.
    fn cell_words(&self, cell: Cell) -> (String, String) {
        let level = cell.level.and_then(|id| self.level(id));
        let failed = cell.saving == Saving::Failed;
        let key = level.as_ref().map_or_else(String::new, |l| l.key.clone());
        let name = match (level, failed) {
            (Some(level), false) => format!("{} {}", level.key, level.label),
            (Some(level), true) => format!("{} {}, not saved yet", level.key, level.label),
            (None, true) => "Not saved yet".to_owned(),
            (None, false) => String::new(),
        };
        (key, name)
    }

    /// The share of the cells at `indices` holding a secured level, as shown.
    fn share_of(&self, indices: impl Iterator<Item = usize>, of: usize) -> String {
        let n = self.cells.with_value(|cells| {
            self.secured.with_value(|secured| {
                indices
                    .filter(|&i| cells[i].level.is_some_and(|l| secured.contains(&l)))
                    .count()
            })
        });
        share_markup(&share(n, of))
    }

    fn row_share(&self, r: usize) -> String {
        self.share_of(self.layout.pupil_cells(r), self.layout.cols)
    }

    fn column_share(&self, c: usize) -> String {
        self.share_of(self.layout.criterion_cells(c), self.layout.rows)
    }

    /// The header row and the rows of pupils, as HTML. The roles are
    /// spelled out because the grid isn't laid out as a table (see the
    /// stylesheet), and a browser may then drop a table's own semantics.
    fn markup(&self, grid: &Grid) -> (String, String) {
        let first = self.focus.get_value();
        let tab_stop = |at: (usize, usize)| if at == first { r#" tabindex="0""# } else { "" };
        let mut head = format!(
            r#"<tr role="row"><th scope="col" role="columnheader" class="corner"{}>Pupil<span class="share">Secured</span></th>"#,
            tab_stop((0, 0))
        );
        for (c, criterion) in grid.criteria.iter().enumerate() {
            let title = format!(
                "{} · {} · {}",
                year_label(criterion.year_group),
                criterion.strand,
                criterion.statement
            );
            let _ = write!(
                head,
                r#"<th scope="col" role="columnheader" title="{}"{}><span class="statement">{}</span><span class="share">{}</span></th>"#,
                attribute(&title),
                tab_stop((0, c + 1)),
                text(&criterion.statement),
                self.column_share(c)
            );
        }
        head.push_str("</tr>");
        let mut body = String::with_capacity(self.layout.rows * (120 + 70 * self.layout.cols));
        for (r, pupil) in grid.pupils.iter().enumerate() {
            let _ = write!(
                body,
                r#"<tr role="row"><th scope="row" role="rowheader"{}><a class="name" href="{}" rel="external" tabindex="-1">{}</a><span class="share">{}</span></th>"#,
                tab_stop((r + 1, 0)),
                pupil.id.page(),
                text(&pupil.name),
                self.row_share(r)
            );
            for c in 0..self.layout.cols {
                let cell = self
                    .cells
                    .with_value(|cells| cells[self.layout.index(r, c)]);
                let class = self.cell_class(cell);
                let (key, name) = self.cell_words(cell);
                body.push_str(r#"<td role="gridcell""#);
                if !class.is_empty() {
                    let _ = write!(body, r#" class="{class}""#);
                }
                if !name.is_empty() {
                    let _ = write!(body, r#" aria-label="{}""#, attribute(&name));
                }
                let _ = write!(body, "{}>{}</td>", tab_stop((r + 1, c + 1)), text(&key));
            }
            body.push_str("</tr>");
        }
        (head, body)
    }

    /// Shows cells as they now are, with their pupils' and criteria's shares.
    fn paint(&self, touched: &[usize]) {
        let (mut rows, mut cols) = (BTreeSet::new(), BTreeSet::new());
        for &i in touched {
            let Some(cell) = self.cells.try_with_value(|cells| cells[i]) else {
                return;
            };
            let (r, c) = self.layout.pupil_and_criterion(i);
            if let Some(element) = self.element((r + 1, c + 1)) {
                let (key, name) = self.cell_words(cell);
                element.set_class_name(&self.cell_class(cell));
                element.set_text_content(Some(&key));
                let _ = if name.is_empty() {
                    element.remove_attribute("aria-label")
                } else {
                    element.set_attribute("aria-label", &name)
                };
            }
            rows.insert(r);
            cols.insert(c);
        }
        let shares = rows
            .into_iter()
            .map(|r| ((r + 1, 0), self.row_share(r)))
            .chain(cols.into_iter().map(|c| ((0, c + 1), self.column_share(c))));
        for (at, markup) in shares {
            if let Some(share) = self
                .element(at)
                .and_then(|e| e.query_selector(".share").ok().flatten())
            {
                share.set_inner_html(&markup);
            }
        }
    }

    /// "Oliver Smith · Counts in multiples of 2, 5 and 10", for the focused position.
    fn describe(&self, (r, c): (usize, usize)) -> String {
        let pupil = if r > 0 {
            self.pupils.with_value(|p| p[r - 1].1.clone())
        } else {
            "Every pupil".to_owned()
        };
        let criterion = if c > 0 {
            self.criteria.with_value(|cr| cr[c - 1].1.clone())
        } else {
            "every criterion".to_owned()
        };
        match (r, c) {
            (0, 0) => String::new(),
            (_, 0) if r > 0 => format!("{pupil} · {criterion} · Enter opens their page"),
            _ => format!("{pupil} · {criterion}"),
        }
    }

    fn element(&self, (r, c): (usize, usize)) -> Option<HtmlElement> {
        let table: HtmlTableElement = self.table.get_untracked()?.unchecked_into();
        let row = table.rows().item(r as u32)?;
        let cell = row
            .unchecked_into::<web_sys::HtmlTableRowElement>()
            .cells()
            .item(c as u32)?;
        Some(cell.unchecked_into())
    }

    fn move_to(&self, to: (usize, usize)) {
        let from = self.focus.get_value();
        if let Some(old) = self.element(from).filter(|_| from != to) {
            let _ = old.set_attribute("tabindex", "-1");
        }
        self.focus.set_value(to);
        // Typing with focus staying put keeps the label: leave its text alone
        // so the keystroke's frame lays out nothing outside the grid.
        let label = self.describe(to);
        if self.focused_label.with_untracked(|l| *l != label) {
            self.focused_label.set(label);
        }
        self.refocus();
    }

    /// Puts focus back on the grid's focused cell.
    fn refocus(&self) {
        if let Some(cell) = self.element(self.focus.get_value()) {
            let _ = cell.set_attribute("tabindex", "0");
            let _ = cell.focus();
        }
    }

    fn on_click(&self, ev: leptos::ev::MouseEvent) {
        let Some(cell) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("td, th").ok().flatten())
            .and_then(|e| e.dyn_into::<HtmlTableCellElement>().ok())
        else {
            return;
        };
        let Some(row) = cell
            .parent_element()
            .and_then(|r| r.dyn_into::<web_sys::HtmlTableRowElement>().ok())
        else {
            return;
        };
        let (r, c) = (row.row_index(), cell.cell_index());
        if r >= 0 && c >= 0 {
            let at = (r as usize, c as usize);
            // A pupil's name chooses their row first, as the rest of the
            // heading does (so the toolbar sets the whole row); clicked
            // again, it opens their page.
            let on_name = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("a").ok().flatten())
                .is_some();
            if on_name && self.focus.get_value() != at {
                ev.prevent_default();
            }
            self.move_to(at);
        }
    }

    fn on_key(&self, ev: leptos::ev::KeyboardEvent) {
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let key = ev.key();
        let to = self
            .layout
            .key_move(self.focus.get_value(), &key, ev.shift_key(), ctrl);
        if let Some(to) = to {
            ev.prevent_default();
            self.move_to(to);
            return;
        }
        if ctrl || ev.alt_key() {
            return;
        }
        match key.as_str() {
            "Delete" | "Backspace" => {
                ev.prevent_default();
                self.set_focused(None);
            }
            "Escape" if self.history.get_untracked().is_some() => {
                ev.prevent_default();
                self.history.set(None);
            }
            // On a pupil's name, Enter follows its link to their page (the
            // link itself is no tab stop: the grid is one). The link loads
            // the page afresh, so judgements not yet saved are asked about
            // before leaving, as for any other way out.
            "Enter" => {
                let (r, c) = self.focus.get_value();
                if r > 0 && c == 0 {
                    if let Some(link) = self
                        .element((r, c))
                        .and_then(|cell| cell.query_selector("a").ok().flatten())
                    {
                        ev.prevent_default();
                        link.unchecked_into::<HtmlElement>().click();
                    }
                }
            }
            // Tab moves between cells, so Escape is the way on past the grid.
            "Escape" => {
                ev.prevent_default();
                if let Some(after) = leptos::prelude::document().get_element_by_id("after-grid") {
                    let _ = after.unchecked_into::<HtmlElement>().focus();
                }
            }
            typed => {
                let level = self.scale.with_value(|s| {
                    s.iter()
                        .find(|l| l.key.eq_ignore_ascii_case(typed))
                        .map(|l| l.id)
                });
                if let Some(level) = level {
                    ev.prevent_default();
                    self.set_focused(Some(level));
                } else if typed.eq_ignore_ascii_case("h") {
                    ev.prevent_default();
                    self.open_history();
                }
            }
        }
    }

    /// The focused cell, or its whole row or column from a header.
    fn set_focused(&self, level: Option<LevelId>) {
        if !self.can_edit {
            self.announce
                .set("This markbook is read-only for your account.".to_owned());
            return;
        }
        let (r, c) = self.focus.get_value();
        let targets = self.layout.targets((r, c));
        if targets.is_empty() {
            return;
        }
        let label = level
            .and_then(|l| self.level(l))
            .map_or_else(|| "Cleared".to_owned(), |l| l.label);
        let many = targets.len() > 1;
        self.change(targets.into_iter().map(|i| (i, level)).collect());
        if many {
            let whom = if r == 0 {
                "every pupil"
            } else {
                "every criterion"
            };
            self.announce.set(format!("{label} for {whom} shown."));
            self.refocus();
            return;
        }
        self.announce.set(label);
        self.move_to(
            self.layout
                .after_typing((r, c), self.advance.get_untracked()),
        );
    }

    fn on_paste(&self, ev: leptos::ev::ClipboardEvent) {
        let Some(text) = ev
            .clipboard_data()
            .and_then(|d| d.get_data("text/plain").ok())
        else {
            return;
        };
        ev.prevent_default();
        if !self.can_edit {
            self.announce
                .set("This markbook is read-only for your account.".to_owned());
            return;
        }
        let at = self.focus.get_value();
        let block = self.scale.with_value(|scale| read_pasted(&text, scale));
        let (mut changes, mut unknown, mut outside) = (Vec::new(), 0, 0);
        for (dr, line) in block.iter().enumerate() {
            for (dc, value) in line.iter().enumerate() {
                let Some(i) = self.layout.pasted_cell(at, dr, dc) else {
                    outside += 1;
                    continue;
                };
                match value {
                    Pasted::Set(level) => changes.push((i, Some(*level))),
                    Pasted::Clear => changes.push((i, None)),
                    Pasted::Unknown => unknown += 1,
                }
            }
        }
        let mut said = format!(
            "Pasted {} judgement{}.",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        );
        if unknown > 0 {
            said.push_str(&format!(
                " {unknown} value{} not on the scale left as they were.",
                if unknown == 1 { "" } else { "s" }
            ));
        }
        if outside > 0 {
            said.push_str(&format!(" {outside} past the edge of the grid left out."));
        }
        self.change(changes);
        self.announce.set(said);
    }

    /// Shows the change at once and queues it to be saved.
    fn change(&self, changes: Vec<(usize, Option<LevelId>)>) {
        let touched: Vec<usize> = changes.iter().map(|&(i, _)| i).collect();
        self.queue.update_value(|q| {
            self.cells.update_value(|cells| {
                for (i, level) in changes {
                    cells[i] = Cell {
                        level,
                        saving: Saving::Pending,
                    };
                    q.changed(i);
                }
            });
        });
        self.paint(&touched);
        // Send after the cell is painted, so the request (and a quick answer)
        // stays out of the keystroke's frame. A hidden tab has no frames: the
        // timeout sends it anyway. A second flush finds nothing to do.
        let ctx = *self;
        request_animation_frame(move || set_timeout(move || ctx.flush(), Duration::ZERO));
        set_timeout(move || ctx.flush(), Duration::from_millis(100));
    }

    /// Sends what is waiting, one save at a time; changes made meanwhile go
    /// in the next one.
    fn flush(&self) {
        let ctx = *self;
        let batch = self.queue.try_update_value(|q| q.take(MOST_CHANGES));
        let Some(Some(batch)) = batch else {
            self.update_line(None, false);
            return;
        };
        let changes: Vec<JudgementChange> = batch.iter().map(|&(i, _)| self.change_at(i)).collect();
        self.update_line(None, false);
        spawn_local(async move {
            let answer = save_judgements(ctx.group, changes).await;
            // The grid may have gone (another page): the save itself is done.
            // A refused save's cells are marked, said, and read again from
            // the server; anything else is tried again (see `SaveQueue`).
            let outcome = Outcome::of(&answer);
            let refused = outcome == Outcome::Refused;
            let Some((settled, wait)) = ctx
                .queue
                .try_update_value(|q| (q.settle(&batch, outcome), q.retry_after()))
            else {
                return;
            };
            ctx.cells.try_update_value(|cells| {
                for &(i, saved) in &settled {
                    cells[i].saving = if saved { Saving::Saved } else { Saving::Failed };
                }
            });
            let touched: Vec<usize> = settled.iter().map(|&(i, _)| i).collect();
            ctx.paint(&touched);
            match answer {
                Err(error) if refused => {
                    let problem = format!("Not saved: {error}");
                    ctx.line
                        .try_update(|line| line.refused = Some(problem.clone()));
                    ctx.announce.try_set(problem);
                    ctx.update_line(None, false);
                    ctx.resync();
                    ctx.flush();
                }
                Err(error) => {
                    let problem = match error {
                        AppError::SignedOut => {
                            "You have been signed out. Sign in again in another tab.".to_owned()
                        }
                        other => other.to_string(),
                    };
                    ctx.update_line(Some(problem.clone()), true);
                    ctx.announce.try_set(format!("Not saved: {problem}"));
                    set_timeout(move || ctx.flush(), wait);
                }
                Ok(_) => {
                    ctx.line.try_update(|line| line.refused = None);
                    ctx.flush();
                }
            }
        });
    }

    fn change_at(&self, i: usize) -> JudgementChange {
        let (r, c) = self.layout.pupil_and_criterion(i);
        JudgementChange {
            pupil: self.pupils.with_value(|p| p[r].0),
            criterion: self.criteria.with_value(|cr| cr[c].0),
            level: self.cells.with_value(|cells| cells[i].level),
        }
    }

    fn update_line(&self, problem: Option<String>, retrying: bool) {
        let Some(unsaved) = self.queue.try_with_value(|q| q.unsaved()) else {
            return;
        };
        let Some(mut line) = self.line.try_get_untracked() else {
            return;
        };
        line.unsaved = unsaved;
        if unsaved == 0 {
            line.problem = None;
        } else if problem.is_some() {
            line.problem = problem;
            line.retrying = retrying;
        }
        // Unchanged words stay as they are: no relayout for nothing.
        if self.line.with_untracked(|now| *now != line) {
            self.line.set(line);
        }
    }

    fn open_history(&self) {
        let at = self.focus.get_value();
        let Some(i) = self.layout.cell_at(at) else {
            self.announce
                .set("Choose a judgement cell to see its history.".to_owned());
            return;
        };
        let change = self.change_at(i);
        let about = self.describe(at);
        self.history.set(Some(History {
            about: about.clone(),
            entries: None,
        }));
        let ctx = *self;
        spawn_local(async move {
            let entries = cell_history(ctx.group, change.pupil, change.criterion).await;
            ctx.history.try_update(|h| {
                if let Some(h) = h.as_mut().filter(|h| h.about == about) {
                    h.entries = Some(entries);
                }
            });
        });
    }

    /// Applies changes saved elsewhere, except to cells with a change of our
    /// own still on its way (ours is newer and will win).
    fn apply_remote(&self, changes: &[LiveChange]) {
        // Also called once a reload answers, when the grid may have gone.
        let Some(rows) = self.pupils.try_with_value(|p| {
            p.iter()
                .enumerate()
                .map(|(i, p)| (p.0, i))
                .collect::<HashMap<PupilId, usize>>()
        }) else {
            return;
        };
        let Some(cols) = self.criteria.try_with_value(|c| {
            c.iter()
                .enumerate()
                .map(|(i, c)| (c.0, i))
                .collect::<HashMap<CriterionId, usize>>()
        }) else {
            return;
        };
        let mut changed = Vec::new();
        self.queue.try_with_value(|q| {
            self.cells.try_update_value(|cells| {
                for change in changes {
                    let (Some(r), Some(c)) = (rows.get(&change.pupil), cols.get(&change.criterion))
                    else {
                        continue;
                    };
                    let i = self.layout.index(*r, *c);
                    if q.is_unsaved(i) || cells[i].level == change.level {
                        continue;
                    }
                    cells[i] = Cell {
                        level: change.level,
                        saving: Saving::Changed,
                    };
                    changed.push(i);
                }
            });
        });
        if !changed.is_empty() {
            self.paint(&changed);
            let ctx = *self;
            set_timeout(
                move || {
                    let mut calmed = Vec::new();
                    ctx.cells.try_update_value(|cells| {
                        for i in changed {
                            if cells[i].saving == Saving::Changed {
                                cells[i].saving = Saving::Saved;
                                calmed.push(i);
                            }
                        }
                    });
                    ctx.paint(&calmed);
                },
                Duration::from_secs(3),
            );
        }
    }

    /// After missing changes (a dropped connection, falling behind), reads
    /// the grid again and applies what differs.
    fn resync(&self) {
        let ctx = *self;
        let Some(shown) = self.shown.try_get_value() else {
            return;
        };
        spawn_local(async move {
            let year = Some(shown.year_param());
            let again = open_grid(
                Some(shown.group.to_string()),
                Some(shown.subject.to_string()),
                year,
                shown.strand.clone(),
            )
            .await;
            let Ok(Some(grid)) = again else {
                return;
            };
            let layout = Layout {
                rows: grid.pupils.len(),
                cols: grid.criteria.len(),
            };
            let now: Vec<LiveChange> = grid
                .cells
                .iter()
                .enumerate()
                .map(|(i, level)| {
                    let (r, c) = layout.pupil_and_criterion(i);
                    LiveChange {
                        pupil: grid.pupils[r].id,
                        criterion: grid.criteria[c].id,
                        level: *level,
                    }
                })
                .collect();
            ctx.apply_remote(&now);
        });
    }

    /// Opens the live stream of changes to this group's pupils.
    fn listen_live(&self) {
        let ctx = *self;
        // Effects run only in the browser.
        Effect::new(move |_| live::open(ctx));
    }

    /// Warns before leaving the page with changes not yet saved.
    fn guard_unsaved(&self) {
        let ctx = *self;
        ask_before_leaving(
            move || ctx.queue.with_value(|q| q.unsaved() > 0),
            "Some judgements are not saved yet.",
        );
    }
}

fn share_markup(share: &str) -> String {
    format!(r#"{share}<span class="visually-hidden"> secured</span>"#)
}

fn text(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_text(s)
}

fn attribute(s: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(s)
}

/// The browser's end of the live stream.
mod live {
    use std::{cell::Cell, rc::Rc};

    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    use super::Ctx;
    use crate::markbook::model::{LiveChange, LIVE_PATH};
    use leptos::{prelude::*, server::FromEncodedStr};

    pub fn open(ctx: Ctx) {
        let Ok(source) = EventSource::new(&format!("{LIVE_PATH}?group={}", ctx.group)) else {
            return;
        };
        let on_changes = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(data) = ev.data().as_string() else {
                return;
            };
            let changes = <[u8] as FromEncodedStr>::from_encoded_str(&data)
                .ok()
                .and_then(|bytes| postcard::from_bytes::<Vec<LiveChange>>(&bytes).ok());
            if let Some(changes) = changes {
                ctx.apply_remote(&changes);
            }
        });
        let on_resync = Closure::<dyn FnMut(MessageEvent)>::new(move |_| ctx.resync());
        // The browser reconnects by itself; what was missed meanwhile is read again.
        let dropped = Rc::new(Cell::new(false));
        let on_error = {
            let dropped = dropped.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| dropped.set(true))
        };
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if dropped.replace(false) {
                ctx.resync();
            }
        });
        for (name, handler) in [
            ("changes", on_changes.as_ref()),
            ("resync", on_resync.as_ref()),
            ("error", on_error.as_ref()),
            ("open", on_open.as_ref()),
        ] {
            let _ = source.add_event_listener_with_callback(name, handler.unchecked_ref());
        }
        let kept = StoredValue::new_local((source, on_changes, on_resync, on_error, on_open));
        on_cleanup(move || kept.with_value(|(source, ..)| source.close()));
    }
}
