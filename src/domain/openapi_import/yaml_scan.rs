//! The YAML flow-nesting guard: a linear pre-scan that refuses deep `[`/`{`
//! nesting and oversized token counts before libyaml (whose cost grows with
//! flow nesting on every token) sees the document.

use super::bounded::Tripped;

/// Why a YAML pre-scan is needed: libyaml's scanner (inside serde_norway) does
/// work proportional to the current *flow* nesting (`[`/`{`) for every token,
/// and serde_norway tokenizes the whole document before our depth check sees
/// a single value. A few hundred KB of `[[[[…` therefore costs minutes of CPU.
///
/// `FlowScan` is a linear pass that mirrors the parts of libyaml's scanner
/// that decide where `[`/`{` tokens are: quoted scalars, block scalars, plain
/// scalars (including multi-line ones, which need libyaml's indentation
/// stack), comments, tags, anchors, document markers. It refuses a document
/// as soon as flow nesting exceeds the limit, before libyaml runs. It never
/// stops early on malformed input: after a point where libyaml would report
/// an error it just keeps going, since libyaml will not get that far.
pub(super) struct FlowScan<'t> {
    text: &'t [u8],
    pos: usize,
    line: usize,
    /// Column in characters, as libyaml counts it.
    column: usize,
    flow_level: usize,
    max_flow_level: usize,
    limit: usize,
    /// Scalars, aliases and flow collections seen: each is at least one key
    /// or value of the parsed document, so more than `max_nodes` of them can
    /// be refused before libyaml builds its (large) event list.
    nodes: usize,
    max_nodes: usize,
    /// libyaml's block indentation (`parser->indent`) and its stack.
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    /// The possible simple key of the block context: (column, line, pos).
    block_key: Option<(usize, usize, usize)>,
}

/// libyaml's `IS_ALPHA`: the characters of anchor names.
fn yaml_alpha(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'t> FlowScan<'t> {
    pub(super) fn new(text: &'t str, limit: usize, max_nodes: usize) -> Self {
        Self {
            text: text.as_bytes(),
            pos: 0,
            line: 0,
            column: 0,
            flow_level: 0,
            max_flow_level: 0,
            limit,
            nodes: 0,
            max_nodes,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: true,
            block_key: None,
        }
    }

    /// Byte at `pos + k`, or 0 past the end (libyaml also stops at NUL).
    fn at(&self, k: usize) -> u8 {
        self.text.get(self.pos + k).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.at(0) == 0
    }

    /// Length of the line break at `pos + k` (CR, LF, CRLF, NEL, LS, PS), or 0.
    fn break_len(&self, k: usize) -> usize {
        match (self.at(k), self.at(k + 1), self.at(k + 2)) {
            (b'\r', b'\n', _) => 2,
            (b'\r' | b'\n', _, _) => 1,
            (0xC2, 0x85, _) => 2,
            (0xE2, 0x80, 0xA8 | 0xA9) => 3,
            _ => 0,
        }
    }

    fn is_blank(&self, k: usize) -> bool {
        matches!(self.at(k), b' ' | b'\t')
    }

    fn is_blankz(&self, k: usize) -> bool {
        self.is_blank(k) || self.break_len(k) > 0 || self.at(k) == 0
    }

    /// Moves past one character (a whole line break counts as one).
    fn advance(&mut self) {
        let brk = self.break_len(0);
        if brk > 0 {
            self.pos += brk;
            self.line += 1;
            self.column = 0;
            return;
        }
        let width = match self.at(0) {
            0 => 0,
            b if b < 0x80 => 1,
            b if b >= 0xF0 => 4,
            b if b >= 0xE0 => 3,
            _ => 2,
        };
        self.pos += width;
        self.column += 1;
    }

    fn doc_marker(&self) -> bool {
        self.column == 0
            && matches!(
                (self.at(0), self.at(1), self.at(2)),
                (b'-', b'-', b'-') | (b'.', b'.', b'.')
            )
            && self.is_blankz(3)
    }

    fn roll_indent(&mut self, column: usize) {
        let column = isize::try_from(column).unwrap_or(isize::MAX);
        if self.flow_level == 0 && self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
        }
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level == 0 {
            while self.indent > column {
                self.indent = self.indents.pop().unwrap_or(-1);
            }
        }
    }

    fn save_simple_key(&mut self) {
        if self.flow_level == 0 && self.simple_key_allowed {
            self.block_key = Some((self.column, self.line, self.pos));
        }
    }

    fn remove_simple_key(&mut self) {
        if self.flow_level == 0 {
            self.block_key = None;
        }
    }

    /// Returns the maximum flow nesting, or the limit exceeded and the
    /// 1-based position where that happened.
    pub(super) fn run(mut self) -> Result<usize, (Tripped, usize, usize)> {
        loop {
            self.skip_to_next_token();
            // libyaml forgets a simple key once the line ends or 1024 characters pass.
            if let Some((_, line, pos)) = self.block_key
                && (line < self.line || pos + 1024 < self.pos)
            {
                self.block_key = None;
            }
            self.unroll_indent(isize::try_from(self.column).unwrap_or(isize::MAX));
            if self.at_end() {
                return Ok(self.max_flow_level);
            }
            let c = self.at(0);
            if self.column == 0 && c == b'%' {
                // A directive: skip the line.
                self.unroll_indent(-1);
                self.block_key = None;
                self.simple_key_allowed = false;
                while !self.at_end() && self.break_len(0) == 0 {
                    self.advance();
                }
                continue;
            }
            if self.doc_marker() {
                self.unroll_indent(-1);
                self.block_key = None;
                self.simple_key_allowed = false;
                for _ in 0..3 {
                    self.advance();
                }
                continue;
            }
            let starts_node = matches!(c, b'[' | b'{' | b'*' | b'\'' | b'"')
                || (matches!(c, b'|' | b'>') && self.flow_level == 0)
                || (c != b'&' && c != b'!' && self.plain_can_start(c));
            if starts_node {
                self.nodes += 1;
                if self.nodes > self.max_nodes {
                    return Err((Tripped::Nodes, self.line + 1, self.column + 1));
                }
            }
            match c {
                b'[' | b'{' => {
                    self.save_simple_key();
                    self.flow_level += 1;
                    if self.flow_level > self.limit {
                        return Err((Tripped::Depth, self.line + 1, self.column + 1));
                    }
                    self.max_flow_level = self.max_flow_level.max(self.flow_level);
                    self.simple_key_allowed = true;
                    self.advance();
                }
                b']' | b'}' => {
                    self.remove_simple_key();
                    self.flow_level = self.flow_level.saturating_sub(1);
                    self.simple_key_allowed = false;
                    self.advance();
                }
                b',' => {
                    self.remove_simple_key();
                    self.simple_key_allowed = true;
                    self.advance();
                }
                b'-' if self.is_blankz(1) => {
                    self.roll_indent(self.column);
                    self.remove_simple_key();
                    self.simple_key_allowed = true;
                    self.advance();
                }
                b'?' if self.flow_level > 0 || self.is_blankz(1) => {
                    self.roll_indent(self.column);
                    self.remove_simple_key();
                    self.simple_key_allowed = self.flow_level == 0;
                    self.advance();
                }
                b':' if self.flow_level > 0 || self.is_blankz(1) => {
                    if self.flow_level == 0 {
                        match self.block_key.take() {
                            Some((column, _, _)) => {
                                self.roll_indent(column);
                                self.simple_key_allowed = false;
                            }
                            None => {
                                self.roll_indent(self.column);
                                self.simple_key_allowed = true;
                            }
                        }
                    } else {
                        self.simple_key_allowed = false;
                    }
                    self.advance();
                }
                b'*' | b'&' => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.advance();
                    while yaml_alpha(self.at(0)) {
                        self.advance();
                    }
                }
                b'!' => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.scan_tag();
                }
                b'|' | b'>' if self.flow_level == 0 => {
                    self.remove_simple_key();
                    self.simple_key_allowed = true;
                    self.scan_block_scalar();
                }
                b'\'' | b'"' => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.scan_quoted(c);
                }
                _ if self.plain_can_start(c) => {
                    self.save_simple_key();
                    self.simple_key_allowed = false;
                    self.scan_plain();
                }
                // libyaml stops with "cannot start any token"; go on regardless.
                _ => self.advance(),
            }
        }
    }

    fn skip_to_next_token(&mut self) {
        loop {
            if self.column == 0 && self.text.get(self.pos..self.pos + 3) == Some(b"\xEF\xBB\xBF".as_slice()) {
                self.advance();
            }
            while self.at(0) == b' ' || ((self.flow_level > 0 || !self.simple_key_allowed) && self.at(0) == b'\t') {
                self.advance();
            }
            if self.at(0) == b'#' {
                while !self.at_end() && self.break_len(0) == 0 {
                    self.advance();
                }
            }
            if self.break_len(0) == 0 {
                return;
            }
            self.advance();
            if self.flow_level == 0 {
                self.simple_key_allowed = true;
            }
        }
    }

    fn plain_can_start(&self, c: u8) -> bool {
        let indicator = self.is_blankz(0) || b"-?:,[]{}#&*!|>'\"%@`".contains(&c);
        !indicator
            || (c == b'-' && !self.is_blank(1))
            || (self.flow_level == 0 && (c == b'?' || c == b':') && !self.is_blankz(1))
    }

    fn scan_tag(&mut self) {
        self.advance();
        // Verbatim tags (`!<…>`) may contain `,[]`; shorthand tags may not.
        let verbatim = self.at(0) == b'<';
        if verbatim {
            self.advance();
        }
        loop {
            let c = self.at(0);
            let uri = yaml_alpha(c) || b";/?:@&=+$.%!~*'()".contains(&c) || (verbatim && b",[]".contains(&c));
            if !uri || c == 0 {
                break;
            }
            self.advance();
        }
        if verbatim && self.at(0) == b'>' {
            self.advance();
        }
    }

    fn scan_quoted(&mut self, quote: u8) {
        self.advance();
        loop {
            if self.doc_marker() || self.at_end() {
                return; // libyaml error
            }
            while !self.is_blankz(0) {
                let c = self.at(0);
                if quote == b'\'' && c == b'\'' && self.at(1) == b'\'' {
                    self.advance();
                    self.advance();
                } else if c == quote {
                    break;
                } else if quote == b'"' && c == b'\\' && self.break_len(1) > 0 {
                    self.advance();
                    self.advance();
                    break;
                } else if quote == b'"' && c == b'\\' {
                    self.advance();
                    self.advance();
                } else {
                    self.advance();
                }
            }
            if self.at(0) == quote {
                self.advance();
                return;
            }
            while self.is_blank(0) || self.break_len(0) > 0 {
                self.advance();
            }
        }
    }

    fn scan_block_scalar(&mut self) {
        self.advance();
        let mut increment = 0usize;
        for _ in 0..2 {
            match self.at(0) {
                b'+' | b'-' => self.advance(),
                d @ b'1'..=b'9' if increment == 0 => {
                    increment = usize::from(d - b'0');
                    self.advance();
                }
                _ => break,
            }
        }
        while self.is_blank(0) {
            self.advance();
        }
        if self.at(0) == b'#' {
            while !self.at_end() && self.break_len(0) == 0 {
                self.advance();
            }
        }
        if self.break_len(0) > 0 {
            self.advance();
        }
        let parent = self.indent;
        let mut indent = if increment == 0 {
            0
        } else {
            usize::try_from(parent.max(0)).unwrap_or(0) + increment
        };
        if !self.block_scalar_breaks(&mut indent, parent) {
            return;
        }
        while self.column == indent && !self.at_end() {
            while !self.at_end() && self.break_len(0) == 0 {
                self.advance();
            }
            if self.at_end() {
                return;
            }
            self.advance();
            if !self.block_scalar_breaks(&mut indent, parent) {
                return;
            }
        }
    }

    /// libyaml's `yaml_parser_scan_block_scalar_breaks`: skips indentation and
    /// empty lines, and fixes the content indentation if still unknown.
    /// Returns false where libyaml reports an error.
    fn block_scalar_breaks(&mut self, indent: &mut usize, parent: isize) -> bool {
        let mut max_indent = 0;
        loop {
            while (*indent == 0 || self.column < *indent) && self.at(0) == b' ' {
                self.advance();
            }
            max_indent = max_indent.max(self.column);
            if (*indent == 0 || self.column < *indent) && self.at(0) == b'\t' {
                return false;
            }
            if self.break_len(0) == 0 {
                break;
            }
            self.advance();
        }
        if *indent == 0 {
            let minimum = usize::try_from(parent.saturating_add(1)).unwrap_or(0).max(1);
            *indent = max_indent.max(minimum);
        }
        true
    }

    fn scan_plain(&mut self) {
        let indent = self.indent.saturating_add(1);
        let mut leading_blanks = false;
        'scalar: loop {
            if self.doc_marker() || self.at(0) == b'#' {
                break;
            }
            while !self.is_blankz(0) {
                let c = self.at(0);
                if self.flow_level > 0 && c == b':' && b",?[]{}".contains(&self.at(1)) && self.at(1) != 0 {
                    return; // libyaml error
                }
                if (c == b':' && self.is_blankz(1)) || (self.flow_level > 0 && b",[]{}".contains(&c)) {
                    break 'scalar;
                }
                leading_blanks = false;
                self.advance();
            }
            if !(self.is_blank(0) || self.break_len(0) > 0) {
                break;
            }
            while self.is_blank(0) || self.break_len(0) > 0 {
                if self.break_len(0) > 0 {
                    leading_blanks = true;
                }
                self.advance();
            }
            if self.flow_level == 0 && isize::try_from(self.column).unwrap_or(isize::MAX) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
    }
}
