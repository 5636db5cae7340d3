//! Throwaway QA REPL. DELETE ME.
use anyhow::Result;
use anyuan_e2e::app::{
    DEMO_PASSWORD, accept_confirms, cdp, choose, fill, set_value, sign_in, wait_service_worker,
};
use anyuan_e2e::{Browser, Profile, Server, Viewport};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

#[tokio::test]
async fn qa_repl() -> Result<()> {
    let mut server = Server::start_new().await?;
    std::fs::write("/tmp/qa-repl/origin", server.origin())?;
    let mut browsers: HashMap<String, (Browser, Profile)> = HashMap::new();
    let mut cur = String::new();
    let mut done_lines = 0usize;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let input = std::fs::read_to_string("/tmp/qa-repl/in.txt").unwrap_or_default();
        let lines: Vec<String> = input.lines().map(|s| s.to_owned()).collect();
        if lines.len() <= done_lines {
            continue;
        }
        for line in &lines[done_lines..] {
            let (cmd, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            let res: Result<String> = async {
                match cmd {
                    "launch" => {
                        let (name, vp) = rest.split_once(' ').unwrap();
                        let vp = match vp { "phone" => Viewport::PHONE, "desktop" => Viewport::DESKTOP, _ => Viewport::TABLET };
                        let p = Profile::new()?;
                        let b = Browser::launch(&p, vp).await?;
                        b.goto(&server.url("/")).await?;
                        browsers.insert(name.to_owned(), (b, p));
                        cur = name.to_owned();
                        Ok("launched".into())
                    }
                    "use" => { cur = rest.to_owned(); Ok("ok".into()) }
                    "close" => { if let Some((b, _)) = browsers.remove(rest) { b.close().await?; } Ok("closed".into()) }
                    "quit" => { anyhow::bail!("QUIT") }
                    "stop" => { server.stop()?; Ok("stopped".into()) }
                    "start" => { server.start().await?; Ok("started".into()) }
                    _ => {
                        let b = &browsers.get(&cur).unwrap().0;
                        match cmd {
                            "goto" => { b.goto(&server.url(rest)).await?; Ok("ok".into()) }
                            "reload" => { b.reload().await?; Ok("ok".into()) }
                            "signin" => { sign_in(b, rest, DEMO_PASSWORD).await?; Ok("ok".into()) }
                            "sw" => { wait_service_worker(b).await?; Ok("ok".into()) }
                            "click" => { b.click(rest).await?; Ok("ok".into()) }
                            "confirms" => { accept_confirms(b).await?; Ok("ok".into()) }
                            "fill" => { let (id, t) = rest.split_once(' ').unwrap_or((rest, "")); fill(b, id, t).await?; Ok("ok".into()) }
                            "setv" => { let (id, t) = rest.split_once(' ').unwrap_or((rest, "")); set_value(b, id, t).await?; Ok("ok".into()) }
                            "choose" => { let (id, t) = rest.split_once(' ').unwrap(); choose(b, id, t).await?; Ok("ok".into()) }
                            "js" => { let v = b.eval(rest).await?; Ok(match v { serde_json::Value::String(s) => s, v => v.to_string() }) }
                            "text" => { let v = b.eval("return document.body.innerText").await?; Ok(v.as_str().unwrap_or_default().to_owned()) }
                            "ids" => { let v = b.eval("return [...document.querySelectorAll('[data-testid]')].map(e=>e.dataset.testid+(e.tagName=='SELECT'?'{'+[...e.options].map(o=>o.value+'='+o.text).join('|')+'}':'')).join('\\n')").await?; Ok(v.as_str().unwrap_or_default().to_owned()) }
                            "shot" => {
                                let full = rest.ends_with("!");
                                let name = rest.trim_end_matches('!');
                                let mut params = json!({"format": "png"});
                                if full {
                                    let m = cdp(b, "Page.getLayoutMetrics", json!({})).await?;
                                    let cs = &m["cssContentSize"];
                                    params = json!({"format":"png","captureBeyondViewport":true,"clip":{"x":0,"y":0,"width":cs["width"],"height":cs["height"],"scale":1}});
                                }
                                let v = cdp(b, "Page.captureScreenshot", params).await?;
                                let data = v["data"].as_str().unwrap_or_default();
                                let bytes = base64_decode(data);
                                let path = format!("/tmp/qa-shots/{name}.png");
                                std::fs::write(&path, bytes)?;
                                Ok(path)
                            }
                            _ => Ok(format!("unknown {cmd}")),
                        }
                    }
                }
            }.await;
            let out = match res {
                Ok(s) => s,
                Err(e) => {
                    if e.to_string() == "QUIT" {
                        return Ok(());
                    }
                    format!("ERROR {e:#}")
                }
            };
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open("/tmp/qa-repl/out.txt")?;
            use std::io::Write;
            writeln!(f, ">>> {line}\n{out}\n<<<END")?;
        }
        done_lines = lines.len();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let t = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => 0,
        }
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= t(*c) << (18 - 6 * i);
        }
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}
