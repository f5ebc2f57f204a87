//! One error type for the whole tool: it says where (document, kind/name, line),
//! what is wrong, and which flag or config entry fixes it. Only `main` prints it.

use std::fmt;

/// Exit status class: 1 for bad input, 2 for bad usage (flags, env, config file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Input,
    Usage,
}

impl Class {
    pub fn exit_code(self) -> i32 {
        match self {
            Class::Input => 1,
            Class::Usage => 2,
        }
    }
}

/// Where in the stream an error happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// 1-based document index; 0 when the error comes before documents exist.
    pub doc: usize,
    /// `Kind/name`, when the document got far enough to have them.
    pub object: Option<String>,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub class: Class,
    pub place: Option<Place>,
    pub message: String,
    /// How to fix it: the flag or config entry to use.
    pub hint: Option<String>,
    /// The claimed hostnames no host map entry covers, with their places, when
    /// that is what is wrong, the one the message begins with first (`check`
    /// reads them to tell which host map a copy was made with).
    pub hosts: Vec<(Place, String)>,
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            class: Class::Usage,
            place: None,
            message: message.into(),
            hint: None,
            hosts: Vec::new(),
        }
    }

    pub fn input(place: Place, message: impl Into<String>) -> Self {
        Error {
            class: Class::Input,
            place: Some(place),
            message: message.into(),
            hint: None,
            hosts: Vec::new(),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> i32 {
        self.class.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.place {
            // Document 0: found before the stream was split into documents.
            if p.doc > 0 {
                write!(f, "document {}", p.doc)?;
                if let Some(o) = &p.object {
                    write!(f, " ({o})")?;
                }
                f.write_str(" ")?;
            }
            write!(f, "line {}: ", p.line)?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  fix: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
