//! Messages over standard input and output, framed by `Content-Length` headers. The framing is
//! read here rather than by `lsp_server`, which sizes its buffer from the header before reading
//! (`Content-Length: 1000000000000` aborts it) and reports a framing error only as a
//! disconnected channel.

use std::io::{self, BufRead, Read};
use std::thread::JoinHandle;

use crossbeam_channel::{Sender, bounded};
use lsp_server::{Connection, Message};

/// No editor sends a message this large; a header asking more is refused before reading.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// The reader and writer threads of a connection over stdio.
pub struct Threads {
    reader: JoinHandle<anyhow::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Wait for both threads: the input's error, if it had one, is what ended the session.
    pub fn join(self) -> anyhow::Result<()> {
        let read = self.reader.join().unwrap_or_else(|_| {
            anyhow::bail!("internal error (a bug in migrate): the reader panicked")
        });
        let written = self.writer.join().unwrap_or_else(|_| {
            Err(io::Error::other(
                "internal error (a bug in migrate): the writer panicked",
            ))
        });
        read?;
        Ok(written?)
    }
}

pub fn stdio() -> (Connection, Threads) {
    let (to_server, receiver) = bounded::<Message>(0);
    let (sender, to_client) = bounded::<Message>(0);
    let reader = std::thread::spawn(move || read_messages(&mut io::stdin().lock(), &to_server));
    let writer = std::thread::spawn(move || {
        let mut stdout = io::stdout().lock();
        to_client
            .into_iter()
            .try_for_each(|message| message.write(&mut stdout))
    });
    (Connection { sender, receiver }, Threads { reader, writer })
}

/// Read messages until the input ends, `exit` is read or the server stops listening.
fn read_messages(input: &mut impl BufRead, to_server: &Sender<Message>) -> anyhow::Result<()> {
    while let Some(body) = read_body(input)? {
        let message: Message = serde_json::from_slice(&body)
            .map_err(|error| anyhow::anyhow!("malformed message: {error}"))?;
        let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if to_server.send(message).is_err() || is_exit {
            break;
        }
    }
    Ok(())
}

/// The body of the next message; none at the end of the input.
fn read_body(input: &mut impl BufRead) -> anyhow::Result<Option<Vec<u8>>> {
    let mut length = None;
    let mut line = String::new();
    loop {
        line.clear();
        // A header line is short; one longer than this is not a header.
        if input.by_ref().take(1024).read_line(&mut line)? == 0 {
            return match length {
                None if line.is_empty() => Ok(None),
                _ => anyhow::bail!("malformed message: the input ended inside its headers"),
            };
        }
        let Some(header) = line.strip_suffix("\r\n") else {
            anyhow::bail!("malformed message header {line:?}: not ended by \\r\\n");
        };
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(": ") else {
            anyhow::bail!("malformed message header {header:?}");
        };
        if name.eq_ignore_ascii_case("Content-Length") {
            let size: u64 = value
                .parse()
                .map_err(|_| anyhow::anyhow!("malformed Content-Length {value:?}"))?;
            if size > MAX_MESSAGE as u64 {
                anyhow::bail!(
                    "message of {size} bytes refused: the limit is {MAX_MESSAGE} bytes (64 MiB)"
                );
            }
            length = Some(size as usize);
        }
    }
    let Some(length) = length else {
        anyhow::bail!("malformed message: no Content-Length header");
    };
    let mut body = vec![0; length];
    input
        .read_exact(&mut body)
        .map_err(|error| anyhow::anyhow!("the input ended inside a message: {error}"))?;
    Ok(Some(body))
}
