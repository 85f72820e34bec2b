//! The grid's arithmetic, apart from the page: where each pupil's judgement
//! of each criterion sits, where a key moves focus, which cells a judgement
//! typed on a header fills, and where a pasted block lands.
//!
//! Positions are as the table has them: row 0 is the header row of
//! criteria, column 0 the pupils' names; the judgement of pupil `r` (from 0)
//! against criterion `c` (from 0) is at position `(r + 1, c + 1)` and is
//! cell `r * cols + c` of the grid's list.

/// How many pupils and criteria the grid shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub rows: usize,
    pub cols: usize,
}

/// A position in the table: (row, column), headers included.
pub type Position = (usize, usize);

/// Where focus goes after a judgement is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    Down,
    Right,
    Stay,
}

impl Layout {
    /// The cell of pupil `pupil` and criterion `criterion`, both from 0.
    pub fn index(self, pupil: usize, criterion: usize) -> usize {
        pupil * self.cols + criterion
    }

    /// The pupil and criterion (both from 0) of cell `i`.
    pub fn pupil_and_criterion(self, i: usize) -> (usize, usize) {
        (i / self.cols, i % self.cols)
    }

    /// The table position of cell `i`.
    pub fn position(self, i: usize) -> Position {
        let (r, c) = self.pupil_and_criterion(i);
        (r + 1, c + 1)
    }

    /// The cell at a table position, if it is a judgement (not a header).
    pub fn cell_at(self, (r, c): Position) -> Option<usize> {
        (r >= 1 && c >= 1 && r <= self.rows && c <= self.cols).then(|| self.index(r - 1, c - 1))
    }

    /// Every cell of one pupil.
    pub fn pupil_cells(self, pupil: usize) -> impl Iterator<Item = usize> {
        (0..self.cols).map(move |c| self.index(pupil, c))
    }

    /// Every cell of one criterion.
    pub fn criterion_cells(self, criterion: usize) -> impl Iterator<Item = usize> {
        (0..self.rows).map(move |r| self.index(r, criterion))
    }

    /// Where focus starts: the first judgement, or the corner of an empty grid.
    pub fn first(self) -> Position {
        if self.rows > 0 && self.cols > 0 {
            (1, 1)
        } else {
            (0, 0)
        }
    }

    /// The cells a judgement typed at `at` fills: the cell itself, a whole
    /// criterion from its header, a whole pupil from their name.
    pub fn targets(self, at: Position) -> Vec<usize> {
        match at {
            (0, 0) => Vec::new(),
            (0, c) => self.criterion_cells(c - 1).collect(),
            (r, 0) => self.pupil_cells(r - 1).collect(),
            at => self.cell_at(at).into_iter().collect(),
        }
    }

    /// Where a key moves focus from `at`, or `None` when the key doesn't move
    /// it (Tab at either end of the grid leaves it instead).
    pub fn key_move(self, at: Position, key: &str, shift: bool, ctrl: bool) -> Option<Position> {
        let (r, c) = at;
        let (last_r, last_c) = (self.rows, self.cols);
        match key {
            "ArrowRight" => Some((r, (c + 1).min(last_c))),
            "ArrowLeft" => Some((r, c.saturating_sub(1))),
            "ArrowDown" => Some(((r + 1).min(last_r), c)),
            "ArrowUp" => Some((r.saturating_sub(1), c)),
            "PageDown" => Some(((r + 10).min(last_r), c)),
            "PageUp" => Some((r.saturating_sub(10), c)),
            "Home" if ctrl => Some((0, 0)),
            "End" if ctrl => Some((last_r, last_c)),
            "Home" => Some((r, 0)),
            "End" => Some((r, last_c)),
            // Tab reads along the rows, and leaves the grid at either end.
            "Tab" if shift => match (r, c) {
                (0, 0) => None,
                (r, 0) => Some((r - 1, last_c)),
                (r, c) => Some((r, c - 1)),
            },
            "Tab" if (r, c) == (last_r, last_c) => None,
            "Tab" if c == last_c => Some((r + 1, 0)),
            "Tab" => Some((r, c + 1)),
            _ => None,
        }
    }

    /// Where focus goes after a judgement is typed at `at`.
    pub fn after_typing(self, at: Position, advance: Advance) -> Position {
        let (r, c) = at;
        match advance {
            Advance::Stay => (r, c),
            Advance::Down if r < self.rows => (r + 1, c),
            // From the last pupil, down carries on at the top of the next criterion.
            Advance::Down if c < self.cols => (1, c + 1),
            Advance::Right if c < self.cols => (r, c + 1),
            Advance::Right if r < self.rows => (r + 1, 1),
            _ => (r, c),
        }
    }

    /// The cell a pasted value lands in: `down` rows and `across` columns
    /// from the focused position (a header counts as the first cell), or
    /// `None` past the edge of the grid.
    pub fn pasted_cell(self, at: Position, down: usize, across: usize) -> Option<usize> {
        let (r, c) = at;
        let (row, col) = (r.max(1) - 1 + down, c.max(1) - 1 + across);
        (row < self.rows && col < self.cols).then(|| self.index(row, col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: Layout = Layout { rows: 3, cols: 4 };

    #[test]
    fn cells_are_numbered_row_by_row() {
        assert_eq!(GRID.index(1, 2), 6);
        assert_eq!(GRID.pupil_and_criterion(6), (1, 2));
        assert_eq!(GRID.position(6), (2, 3));
        assert_eq!(GRID.cell_at((2, 3)), Some(6));
        assert_eq!(GRID.cell_at((0, 3)), None);
        assert_eq!(GRID.cell_at((4, 1)), None);
        assert_eq!(GRID.pupil_cells(2).collect::<Vec<_>>(), [8, 9, 10, 11]);
        assert_eq!(GRID.criterion_cells(1).collect::<Vec<_>>(), [1, 5, 9]);
    }

    #[test]
    fn a_header_fills_its_whole_row_or_column() {
        assert_eq!(GRID.targets((0, 0)), Vec::<usize>::new());
        assert_eq!(GRID.targets((0, 2)), [1, 5, 9]);
        assert_eq!(GRID.targets((3, 0)), [8, 9, 10, 11]);
        assert_eq!(GRID.targets((2, 2)), [5]);
    }

    #[test]
    fn arrows_stop_at_the_edges() {
        assert_eq!(
            GRID.key_move((1, 1), "ArrowLeft", false, false),
            Some((1, 0))
        );
        assert_eq!(
            GRID.key_move((1, 0), "ArrowLeft", false, false),
            Some((1, 0))
        );
        assert_eq!(
            GRID.key_move((3, 4), "ArrowRight", false, false),
            Some((3, 4))
        );
        assert_eq!(
            GRID.key_move((3, 4), "ArrowDown", false, false),
            Some((3, 4))
        );
        assert_eq!(GRID.key_move((0, 2), "ArrowUp", false, false), Some((0, 2)));
        assert_eq!(
            GRID.key_move((1, 2), "PageDown", false, false),
            Some((3, 2))
        );
        assert_eq!(GRID.key_move((3, 2), "PageUp", false, false), Some((0, 2)));
        assert_eq!(GRID.key_move((2, 2), "Home", false, false), Some((2, 0)));
        assert_eq!(GRID.key_move((2, 2), "End", false, true), Some((3, 4)));
        assert_eq!(GRID.key_move((2, 2), "Home", false, true), Some((0, 0)));
        assert_eq!(GRID.key_move((2, 2), "2", false, false), None);
    }

    #[test]
    fn tab_reads_along_the_rows_and_leaves_at_either_end() {
        assert_eq!(GRID.key_move((1, 3), "Tab", false, false), Some((1, 4)));
        assert_eq!(GRID.key_move((1, 4), "Tab", false, false), Some((2, 0)));
        assert_eq!(GRID.key_move((3, 4), "Tab", false, false), None);
        assert_eq!(GRID.key_move((2, 0), "Tab", true, false), Some((1, 4)));
        assert_eq!(GRID.key_move((0, 0), "Tab", true, false), None);
    }

    #[test]
    fn typing_moves_on_as_chosen() {
        assert_eq!(GRID.after_typing((2, 2), Advance::Down), (3, 2));
        // From the last pupil, on to the top of the next criterion.
        assert_eq!(GRID.after_typing((3, 2), Advance::Down), (1, 3));
        assert_eq!(GRID.after_typing((3, 4), Advance::Down), (3, 4));
        assert_eq!(GRID.after_typing((2, 4), Advance::Right), (3, 1));
        assert_eq!(GRID.after_typing((2, 2), Advance::Stay), (2, 2));
    }

    #[test]
    fn a_pasted_block_starts_at_the_focused_cell_and_stops_at_the_edge() {
        assert_eq!(GRID.pasted_cell((2, 3), 0, 0), Some(6));
        assert_eq!(GRID.pasted_cell((2, 3), 1, 1), Some(11));
        assert_eq!(GRID.pasted_cell((2, 3), 0, 2), None);
        assert_eq!(GRID.pasted_cell((0, 0), 0, 0), Some(0));
    }
}
