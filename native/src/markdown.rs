//! The per-line tests of `cleanse.reading.markdown` that choose which lines of a text
//! capture its patterns are asked about (most lines of a page are none of those).

use crate::tables::Tables;

/// The test `unfenced_code` makes of a line before asking `_code_line` whether it is
/// code-shaped: the line stripped (`str.strip`: the tables' `re` `\s`) is not empty and opens
/// with a character of `first` (`CODE_FIRST`), ends with one of `last` (`CODE_LAST`), holds
/// `=`, opens with one of `openers` (`CODE_OPENERS`), or ends in `:` or `,` after a `)`
/// (white space between them stripped).
pub fn may_be_code_shaped(t: &Tables, line: &str, first: &[char], last: &[char],
                          openers: &[String]) -> bool {
    let space = |c: char| t.re_space.has(c);
    let stripped = line.trim_matches(space);
    let (Some(opening), Some(closing)) = (stripped.chars().next(), stripped.chars().next_back())
    else {
        return false;
    };
    if first.contains(&opening) || last.contains(&closing) || stripped.contains('=')
        || openers.iter().any(|opener| stripped.starts_with(opener.as_str())) {
        return true;
    }
    // `line[-1] in ":," and line[:-1].rstrip()[-1:] == ")"`
    (closing == ':' || closing == ',')
        && stripped[..stripped.len() - closing.len_utf8()].trim_end_matches(space).ends_with(')')
}

/// The test `_pipe_tables` makes of line `i` (from 1) before matching `TABLE_DELIMITER`: the
/// line before it holds `|`, and it holds `|` and `-`.
pub fn may_be_table_delimiter(before: &str, line: &str) -> bool {
    before.contains('|') && line.contains('|') && line.contains('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_rows_need_pipes_and_a_dash() {
        assert!(may_be_table_delimiter("| a | b |", "|---|---|"));
        assert!(!may_be_table_delimiter("a b", "|---|---|"));
        assert!(!may_be_table_delimiter("| a |", "| b |"));
    }
}
