//! Markwell's one chart: labelled horizontal bars drawn as SVG in the page
//! itself, so a chart reads before the WebAssembly arrives, prints, and
//! needs no chart script. Each bar carries its label and figure in words
//! (colour is never the only signal), and the same figures follow as a
//! table for anyone who would rather read them.

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

/// A bar chart titled `title`, with what each bar counts (`unit`, such as
/// "pupils") in its figures' table. `id` is unique on the page.
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
    let height = bars.len() * ROW + 8;
    let title_id = format!("{id}-title");
    let summary = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, figure(b.count, total)))
        .collect::<Vec<_>>()
        .join("; ");
    let drawn = bars
        .iter()
        .zip(lengths(&bars))
        .enumerate()
        .map(|(n, (bar, length))| {
            let y = n * ROW + 4;
            let middle = y + BAR / 2;
            view! {
                <text x=LABELS - 8 y=middle class="chart-label" text-anchor="end" dominant-baseline="middle">
                    {bar.label.clone()}
                </text>
                <rect x=LABELS y=y width=length.max(1) height=BAR class="chart-bar" />
                <text x=LABELS + length + 6 y=middle class="chart-figure" dominant-baseline="middle">
                    {figure(bar.count, total)}
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
                            <th scope="col" class="num">{count_heading}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {bars.into_iter().map(|bar| view! {
                            <tr>
                                <th scope="row">{bar.label}</th>
                                <td class="num">{figure(bar.count, total)}</td>
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
    fn a_figure_is_the_count_and_its_whole_percentage() {
        assert_eq!(figure(12, 30), "12 (40%)");
        assert_eq!(figure(1, 8), "1 (13%)", "12.5 rounds up");
        assert_eq!(figure(0, 0), "0");
    }
}
