//! The briefing as one PNG image: an SVG page rasterised by resvg.

use super::*;

/// The width of the PNG briefing, in pixels.
pub const PNG_WIDTH: u32 = 1600;

/// The fonts the PNG is drawn with, built in so that it renders the same on
/// any machine: DejaVu Sans for Latin letters and digits, Droid Sans Fallback
/// (Apache-2.0) for Chinese, which the renderer falls back to glyph by glyph.
/// Licences in `assets/fonts/`.
static LATIN_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";

fn svg_options() -> &'static resvg::usvg::Options<'static> {
    static OPTIONS: std::sync::OnceLock<resvg::usvg::Options<'static>> = std::sync::OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut opt = resvg::usvg::Options { font_family: FONT_FAMILY.into(), ..Default::default() };
        let db = opt.fontdb_mut();
        db.load_font_data(LATIN_FONT.to_vec());
        db.load_font_data(CJK_FONT.to_vec());
        for set in [
            resvg::usvg::fontdb::Database::set_sans_serif_family,
            resvg::usvg::fontdb::Database::set_serif_family,
            resvg::usvg::fontdb::Database::set_monospace_family,
        ] {
            set(db, FONT_FAMILY);
        }
        opt
    })
}

/// `text` cut into lines of at most `width` display columns (a CJK
/// character is two), for SVG, which does not wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = 0;
    for ch in text.chars() {
        let w = crate::ledger::export::display_width(ch.encode_utf8(&mut [0; 4]));
        if used + w > width {
            lines.push(String::new());
            used = 0;
        }
        lines.last_mut().map(|l| l.push(ch));
        used += w;
    }
    lines
}

/// How much larger than drawn the PNG shows its charts, so that their labels
/// read at slide size.
const CHART_SCALE: f64 = 1.5;

/// A chart drawn by `draw` at `size` / [`CHART_SCALE`], shown at `size` at
/// (x, y) inside the page.
fn placed(x: u32, y: u32, size: (u32, u32), draw: impl FnOnce((u32, u32)) -> AppResult<String>) -> AppResult<String> {
    let drawn = ((size.0 as f64 / CHART_SCALE) as u32, (size.1 as f64 / CHART_SCALE) as u32);
    let svg = draw(drawn)?;
    let from = format!("<svg width=\"{}\" height=\"{}\"", drawn.0, drawn.1);
    let to = format!("<svg x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\"", size.0, size.1);
    Ok(svg.replacen(&from, &to, 1))
}

/// The briefing as one SVG page [`PNG_WIDTH`] wide: title, summary sentence,
/// gauges, the department chart and the weekly curve.
pub fn page_svg(b: &Briefing) -> AppResult<(String, u32)> {
    let c = &b.campaign;
    let margin = 30;
    let inner = PNG_WIDTH - 2 * margin;
    let mut body = String::new();
    let mut y = 60;
    body.push_str(&format!(
        "<text x=\"{margin}\" y=\"{y}\" font-size=\"36\" fill=\"#222\">{} · 招商工作简报</text>",
        escape(&c.name)
    ));
    y += 40;
    body.push_str(&format!(
        "<text x=\"{margin}\" y=\"{y}\" font-size=\"20\" fill=\"#666\">{} · {} 至 {}</text>",
        escape(&c.region),
        c.starts_on,
        c.ends_on
    ));
    y += 25;
    let lines = wrap(&report::summary(&b.figures), 116);
    let box_height = lines.len() as u32 * 36 + 24;
    body.push_str(&format!(
        "<rect x=\"{margin}\" y=\"{y}\" width=\"{inner}\" height=\"{box_height}\" fill=\"#FDF2E9\"/>\
         <rect x=\"{margin}\" y=\"{y}\" width=\"6\" height=\"{box_height}\" fill=\"#C0392B\"/>"
    ));
    for (i, line) in lines.iter().enumerate() {
        let ty = y + 40 + i as u32 * 36;
        body.push_str(&format!(
            "<text x=\"{}\" y=\"{ty}\" font-size=\"24\" fill=\"#222\">{}</text>",
            margin + 20,
            escape(line)
        ));
    }
    y += box_height + 20;
    let gauge_width = (inner - 40) / 3;
    for i in 0..3 {
        let x = margin + i as u32 * (gauge_width + 20);
        body.push_str(&placed(x, y, (gauge_width, 120), |size| Ok(gauges(b, size)?[i].clone()))?);
    }
    y += 140;
    body.push_str(&format!(
        "<text x=\"{margin}\" y=\"{}\" font-size=\"20\" fill=\"#444\">开工率 {} · 资金到位率 {}</text>",
        y + 10,
        percent(b.breakdown.start_rate),
        percent(b.breakdown.funds_in_place_rate)
    ));
    y += 30;
    body.push_str(&placed(margin, y, (inner, 460), |size| departments_chart(b, Some(size)))?);
    y += 480;
    body.push_str(&placed(margin, y, (inner, 420), |size| weekly_chart(b, size))?);
    y += 440;
    body.push_str(&format!("<text x=\"{margin}\" y=\"{}\" font-size=\"24\" fill=\"#222\">招商地图</text>", y + 10));
    y += 30;
    let map = map::svg(&b.parks, &b.signed, inner, 900);
    body.push_str(&map.replacen("<svg ", &format!("<svg x=\"{margin}\" y=\"{y}\" "), 1));
    y += 920;
    let height = y;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PNG_WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {PNG_WIDTH} {height}\" font-family=\"{FONT_FAMILY}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>{body}</svg>"
    );
    Ok((svg, height))
}

/// The briefing as one PNG image [`PNG_WIDTH`] pixels wide, drawn here with the
/// built-in CJK font: no browser, no system fonts.
pub fn png(b: &Briefing) -> AppResult<Vec<u8>> {
    let (svg, _) = page_svg(b)?;
    let tree = resvg::usvg::Tree::from_str(&svg, svg_options()).map_err(draw_error)?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| draw_error("empty image"))?;
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(draw_error)
}
