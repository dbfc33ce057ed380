//! Text that has to fit a box of the map: titles and unit paths cut into
//! lines of a few characters, ending with "…" when they do not fit.

/// Words into at most `lines` lines of at most `width` characters; what
/// does not fit ends the last line with "…".
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let fits = out
            .last()
            .is_some_and(|line| line.chars().count() + 1 + word.chars().count() <= width);
        let full = out.len() == lines;
        match out.last_mut() {
            Some(line) if fits => {
                line.push(' ');
                line.push_str(word);
            }
            Some(last) if full => {
                *last = shorten(&format!("{last} {word}"), width);
                return out;
            }
            _ if lines == 0 => return out,
            _ => out.push(word.to_owned()),
        }
    }
    // A single word longer than a line.
    out.into_iter().map(|line| shorten(&line, width)).collect()
}

/// `text` cut to `width` characters, the last one "…".
fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let kept: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_into_two_lines_and_end_with_an_ellipsis() {
        assert_eq!(
            wrap("Deploys are boring", 27, 2),
            vec!["Deploys are boring"]
        );
        assert_eq!(
            wrap(
                "Engineering ships something customers notice every week",
                27,
                2
            ),
            vec!["Engineering ships something", "customers notice every week"]
        );
        assert_eq!(
            wrap(
                "Engineering ships something customers notice every single week",
                27,
                2
            ),
            vec!["Engineering ships something", "customers notice every sin…"]
        );
        assert_eq!(
            wrap("Supercalifragilisticexpialidocious-and-more", 10, 2),
            vec!["Supercali…"]
        );
        assert!(wrap("", 27, 2).is_empty());
    }
}
