//! Markwell's one chart: labelled horizontal bars drawn as SVG in the page
//! itself, for counts ([`BarChart`]) or levels over time ([`LevelChart`]),
//! so a chart reads before the WebAssembly arrives, prints, and needs no
//! chart script. Each bar carries its label and figure in words (colour is
//! never the only signal), and the same figures follow as a table for
//! anyone who would rather read them.

use leptos::prelude::*;

/// One bar: what it counts, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub count: usize,
}

/// Drawing units: the chart is this wide and scales to its box, about as
/// wide as a phone's screen, so its words stay readable there.
const WIDTH: usize = 360;
/// The label column, left of the bars.
const LABELS: usize = 128;
/// Room right of the longest bar for its figure.
const FIGURE: usize = 78;
const ROW: usize = 34;
const BAR: usize = 22;

/// `part` of `whole` as a whole percentage, halves rounded up; None of
/// nothing. Progress's shares and the charts' figures both read this way.
pub fn whole_percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (200 * part + whole) / (2 * whole))
}

/// A count with its share of the whole: "12 (40%)".
pub fn figure(count: usize, total: usize) -> String {
    let (count, total) = (count as i64, total as i64);
    match whole_percent(count, total) {
        Some(percent) => format!("{count} ({percent}%)"),
        None => count.to_string(),
    }
}

/// Each bar's length in drawing units, the longest filling the room.
fn lengths(bars: &[Bar]) -> Vec<usize> {
    let most = bars.iter().map(|b| b.count).max().unwrap_or(0);
    let room = WIDTH - LABELS - FIGURE;
    bars.iter()
        .map(|b| match most {
            0 => 0,
            most => b.count * room / most,
        })
        .collect()
}

/// A bar chart titled `title`, each bar's figure its count and its share of
/// all the bars. `id` is unique on the page.
#[component]
pub fn BarChart(
    #[prop(into)] title: String,
    bars: Vec<Bar>,
    #[prop(into)] id: String,
    /// The table's heading for the label column, such as "Judgement".
    label_heading: &'static str,
    /// The table's heading for the figures, such as "Pupils".
    count_heading: &'static str,
) -> impl IntoView {
    let total: usize = bars.iter().map(|b| b.count).sum();
    let rows = bars
        .iter()
        .zip(lengths(&bars))
        .map(|(bar, length)| Drawn {
            label: bar.label.clone(),
            length,
            words: figure(bar.count, total),
        })
        .collect();
    view! { <Chart title rows id label_heading words_heading=count_heading numeric=true /> }
}

/// One step of a [`LevelChart`]: when, and the level then (its place on
/// the scale, counted from 1) in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub label: String,
    pub level: Option<usize>,
    pub words: String,
}

/// Levels over time, such as a pupil's judgement term by term: a bar per
/// step as long as its place on a scale of `levels`, its words beside it.
#[component]
pub fn LevelChart(
    #[prop(into)] title: String,
    steps: Vec<Step>,
    levels: usize,
    #[prop(into)] id: String,
    label_heading: &'static str,
    words_heading: &'static str,
) -> impl IntoView {
    // The room left of the longest words (about 8 units a letter).
    let widest = steps.iter().map(|s| s.words.chars().count()).max();
    let room = (WIDTH - LABELS)
        .saturating_sub(widest.unwrap_or(0) * 8 + 8)
        .max(40);
    let rows = steps
        .into_iter()
        .map(|step| Drawn {
            length: level_length(step.level, levels, room),
            label: step.label,
            words: step.words,
        })
        .collect();
    view! { <Chart title rows id label_heading words_heading numeric=false /> }
}

/// A level's bar length: the top of the scale fills the room.
fn level_length(level: Option<usize>, levels: usize, room: usize) -> usize {
    match (level, levels) {
        (Some(level), 1..) => level.min(levels) * room / levels,
        _ => 0,
    }
}

/// A bar as drawn: its label, length in drawing units, and words.
struct Drawn {
    label: String,
    length: usize,
    words: String,
}

/// The one drawing of every chart: the bars with their labels and words,
/// described for screen readers, and the same as a table on request.
#[component]
fn Chart(
    title: String,
    rows: Vec<Drawn>,
    id: String,
    label_heading: &'static str,
    words_heading: &'static str,
    /// Whether the words are figures, set to the right in the table.
    numeric: bool,
) -> impl IntoView {
    let height = rows.len() * ROW + 8;
    let title_id = format!("{id}-title");
    let summary = rows
        .iter()
        .map(|row| format!("{}: {}", row.label, row.words))
        .collect::<Vec<_>>()
        .join("; ");
    let words_class = if numeric { "num" } else { "" };
    let drawn = rows
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let y = n * ROW + 4;
            let middle = y + BAR / 2;
            view! {
                <text x=LABELS - 8 y=middle class="chart-label" text-anchor="end" dominant-baseline="middle">
                    {row.label.clone()}
                </text>
                <rect x=LABELS y=y width=row.length.max(1) height=BAR class="chart-bar" />
                <text x=LABELS + row.length + 6 y=middle class="chart-figure" dominant-baseline="middle">
                    {row.words.clone()}
                </text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption id=title_id.clone()>{title.clone()}</figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-labelledby=title_id
                aria-describedby=format!("{id}-summary")
            >
                <desc id=format!("{id}-summary")>{summary}</desc>
                {drawn}
            </svg>
            <details>
                <summary>"Show as a table"</summary>
                <table class="table">
                    <caption class="visually-hidden">{title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{label_heading}</th>
                            <th scope="col" class=words_class>{words_heading}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>
                                <th scope="row">{row.label}</th>
                                <td class=words_class>{row.words}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(count: usize) -> Bar {
        Bar {
            label: String::new(),
            count,
        }
    }

    #[test]
    fn the_longest_bar_fills_the_room_and_the_rest_are_in_proportion() {
        let room = WIDTH - LABELS - FIGURE;
        assert_eq!(lengths(&[bar(10), bar(5), bar(0)]), [room, room / 2, 0]);
        assert_eq!(lengths(&[bar(0), bar(0)]), [0, 0], "nothing to draw");
    }

    #[test]
    fn a_level_is_drawn_as_its_share_of_the_scale() {
        assert_eq!(level_length(Some(3), 3, 120), 120);
        assert_eq!(level_length(Some(1), 3, 120), 40);
        assert_eq!(level_length(None, 3, 120), 0, "not judged");
        assert_eq!(level_length(Some(2), 0, 120), 0, "no scale");
    }

    #[test]
    fn a_figure_is_the_count_and_its_whole_percentage() {
        assert_eq!(figure(12, 30), "12 (40%)");
        assert_eq!(figure(1, 8), "1 (13%)", "12.5 rounds up");
        assert_eq!(figure(0, 0), "0");
    }
}
