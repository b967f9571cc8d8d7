//! Regenerates the demo shop's versioned recommendation lists, list pointer and fallback list.

// `cargo run --release --example make_demo_lists` writes `demo/kv/recs/v3/<segment>.json`,
// `demo/kv/recs/current` (the pointer naming the live version) and `demo/default-recs.json`
// (the bundled fallback) from a 240-item catalogue. Everything is derived from a fixed hash
// of the item number, so the output is reproducible byte for byte. The generator checks the
// properties the tests rely on before writing anything.

use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::error::Error;
use std::path::Path;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The list version written, and what the `recs/current` pointer names.
const VERSION: &str = "v3";
/// Items in the catalogue (`sku-001` ..= `sku-240`).
const CATALOGUE_SIZE: usize = 240;
/// Pictures available at the origin (`photos/item-01.jpg` ..= `photos/item-12.jpg`).
const PHOTOS: usize = 12;
/// Each category appears at least this often in every list.
const MIN_PER_CATEGORY: usize = 5;
/// The top of a list (live items only) spans at least this many categories ...
const MIN_TOP_CATEGORIES: usize = 4;
/// ... among this many items.
const TOP: usize = 8;
/// Each further item of a category in a list is worth this much less: the publisher spreads
/// categories so one favoured category cannot fill the top of a list.
const CATEGORY_DECAY: f64 = 0.8;

/// Dated items, in every list under the same ids so tests can rely on them whatever the date.
const EXPIRED: &str = "sku-237";
const FUTURE: &str = "sku-238";
const WINDOWED: &str = "sku-239";
const LONG_AGO: &str = "2020-01-01T00:00:00Z";
const FAR_FUTURE: &str = "2099-01-01T00:00:00Z";

/// Deliberately hostile item, only in the `sale` list, where it leads the live items: the
/// escaping tests render it into banners and pages. Do not "fix" its title.
const HOSTILE: &str = "sku-240";
const HOSTILE_TITLE: &str = r#"Flash deal <script>alert("xss")</script> & "more""#;

/// Categories in the order item numbers cycle through them (`sku-240` is accessories), each
/// with title words (every modifier reads well with every noun) and a price range in euros.
struct Category {
    name: &'static str,
    modifiers: [&'static str; 6],
    nouns: [&'static str; 5],
    price: (f64, f64),
}

const CATEGORIES: [Category; 8] = [
    Category {
        name: "shoes",
        modifiers: [
            "Suede",
            "Leather",
            "Canvas",
            "Nubuck",
            "Knit",
            "Vegan Leather",
        ],
        nouns: [
            "Chelsea Boot",
            "Court Sneaker",
            "Slip-On",
            "Desert Boot",
            "Trail Runner",
        ],
        price: (69.0, 189.0),
    },
    Category {
        name: "jackets",
        modifiers: [
            "Waxed Cotton",
            "Quilted",
            "Insulated",
            "Wool Blend",
            "Packable",
            "Ripstop",
        ],
        nouns: ["Field Jacket", "Parka", "Bomber", "Overshirt", "Rain Shell"],
        price: (119.0, 349.0),
    },
    Category {
        name: "bags",
        modifiers: [
            "Waxed Canvas",
            "Leather",
            "Nylon",
            "Recycled",
            "Suede",
            "Cotton Twill",
        ],
        nouns: [
            "Tote",
            "Backpack",
            "Crossbody Bag",
            "Weekender",
            "Messenger Bag",
        ],
        price: (49.0, 229.0),
    },
    Category {
        name: "knitwear",
        modifiers: [
            "Merino",
            "Cashmere",
            "Lambswool",
            "Organic Cotton",
            "Alpaca",
            "Cable-Knit",
        ],
        nouns: [
            "Crew Sweater",
            "Cardigan",
            "Roll-Neck",
            "Half-Zip",
            "Knitted Vest",
        ],
        price: (59.0, 219.0),
    },
    Category {
        name: "outdoor",
        modifiers: [
            "Ultralight",
            "Alpine",
            "Backcountry",
            "Compact",
            "Expedition",
            "Trailhead",
        ],
        nouns: ["Tent", "Sleeping Bag", "Daypack", "Headlamp", "Camp Stove"],
        price: (24.0, 449.0),
    },
    Category {
        name: "home",
        modifiers: [
            "Nordic", "Coastal", "Rustic", "Minimal", "Heritage", "Studio",
        ],
        nouns: [
            "Throw Blanket",
            "Table Lamp",
            "Serving Bowl",
            "Cushion Cover",
            "Candle Set",
        ],
        price: (19.0, 129.0),
    },
    Category {
        name: "kids",
        modifiers: [
            "Mini",
            "Junior",
            "Little Explorer",
            "Playground",
            "Adventure",
            "Cosy",
        ],
        nouns: ["Rain Jacket", "Sneaker", "Backpack", "Fleece", "Beanie"],
        price: (15.0, 69.0),
    },
    Category {
        name: "accessories",
        modifiers: [
            "Classic",
            "Everyday",
            "Heritage",
            "Slim",
            "Travel",
            "Signature",
        ],
        nouns: [
            "Leather Belt",
            "Wool Scarf",
            "Card Holder",
            "Sunglasses",
            "Watch Strap",
        ],
        price: (12.0, 89.0),
    },
];

/// The lists written and their lengths (dated and hostile items included).
const SEGMENTS: [(&str, usize); 8] = [
    ("bot", 80),
    ("sale", 96),
    ("lite", 64),
    ("mobile", 96),
    ("tablet", 88),
    ("dach", 104),
    ("us", 112),
    ("desktop", 200),
];

/// Items in the bundled fallback list: the most popular few of every category.
const DEFAULT_PER_CATEGORY: usize = 3;

/// One catalogue item with the facts the scores are made from (only some are published).
#[derive(Debug, Clone)]
struct Product {
    number: usize,
    id: String,
    title: String,
    category: &'static str,
    /// Base popularity, 5..100 with a long tail.
    popularity: f64,
    price: f64,
    /// Markdown as a fraction of the price; 0 when not on sale.
    markdown: f64,
}

/// A list item exactly as published (the list parser denies unknown fields).
#[derive(Debug, Serialize)]
struct Item<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    image: String,
    category: &'a str,
    score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    starts: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ends: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct List<'a> {
    segment: &'a str,
    version: &'a str,
    items: Vec<Item<'a>>,
}

/// SplitMix64 finaliser: a fixed, well-mixed hash of an item number and a salt.
fn hash(number: usize, salt: u64) -> u64 {
    let mut z = (number as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) from the hash.
fn unit(number: usize, salt: u64) -> f64 {
    (hash(number, salt) >> 11) as f64 / (1u64 << 53) as f64
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn pick<T>(slice: &[T], index: usize) -> Result<&T> {
    slice
        .get(index % slice.len().max(1))
        .ok_or_else(|| "empty word list".into())
}

/// Item `number` (1-based): category by cycling, a title from a per-category permutation of
/// modifier x noun (6 x 5 = 30 distinct titles per category), hashed facts.
fn product(number: usize) -> Result<Product> {
    let category = pick(&CATEGORIES, number - 1)?;
    let rank = (number - 1) / CATEGORIES.len();
    let slot = (rank * 7 + number % CATEGORIES.len() * 3) % 30;
    let modifier = pick(&category.modifiers, slot % 6)?;
    let noun = pick(&category.nouns, slot / 6)?;
    let id = format!("sku-{number:03}");
    let title = if id == HOSTILE {
        HOSTILE_TITLE.to_owned()
    } else {
        format!("{modifier} {noun}")
    };
    let (low, high) = category.price;
    let on_sale = unit(number, 3) < 0.4;
    Ok(Product {
        number,
        id,
        title,
        category: category.name,
        popularity: 5.0 + 95.0 * unit(number, 1).powi(2),
        price: (low + (high - low) * unit(number, 2)).round() - 0.01,
        markdown: if on_sale {
            0.1 + 0.4 * unit(number, 4)
        } else {
            0.0
        },
    })
}

fn catalogue() -> Result<Vec<Product>> {
    let products = (1..=CATALOGUE_SIZE)
        .map(product)
        .collect::<Result<Vec<_>>>()?;
    let titles: HashSet<&str> = products.iter().map(|p| p.title.as_str()).collect();
    if titles.len() != products.len() {
        return Err("catalogue titles are not unique".into());
    }
    Ok(products)
}

/// How much a segment likes a category.
fn affinity(segment: &str, category: &str) -> f64 {
    match (segment, category) {
        ("mobile", "accessories") => 1.6,
        ("mobile", "shoes") => 1.5,
        ("mobile", "bags") => 1.1,
        ("mobile", "home") => 0.7,
        ("mobile", _) => 0.85,
        ("tablet", "home") => 1.6,
        ("tablet", "kids") => 1.5,
        ("tablet", "knitwear") => 1.1,
        ("tablet", _) => 0.85,
        ("dach", "outdoor") => 1.6,
        ("dach", "knitwear") => 1.5,
        ("dach", "jackets") => 1.45,
        ("dach", "shoes") => 1.0,
        ("dach", _) => 0.8,
        ("us", "shoes") => 1.6,
        ("us", "bags") => 1.5,
        ("us", "accessories") => 1.1,
        ("us", _) => 0.85,
        ("lite", "accessories" | "kids") => 1.2,
        ("desktop", "jackets") => 1.15,
        ("desktop", "home") => 1.1,
        _ => 1.0,
    }
}

/// A product's raw score in a segment: popularity x category affinity x the segment's own
/// lens (price for `lite`, markdown for `sale`) x a little per-segment taste. `bot` gets plain
/// popularity.
fn raw_score(segment: &str, salt: u64, p: &Product) -> f64 {
    if segment == "bot" {
        return p.popularity;
    }
    let lens = match segment {
        "lite" => (60.0 / p.price).sqrt().clamp(0.45, 1.8),
        "sale" if p.markdown > 0.0 => 1.0 + 3.0 * p.markdown,
        "sale" => 0.35,
        _ => 1.0,
    };
    let taste = 0.9 + 0.2 * unit(p.number, salt);
    p.popularity * affinity(segment, p.category) * lens * taste
}

/// Sorts by score descending, then id, so equal scores still give one order.
fn sort_desc<T>(items: &mut [T], key: impl Fn(&T) -> (f64, &str)) {
    items.sort_by(|a, b| {
        let (sa, ia) = key(a);
        let (sb, ib) = key(b);
        sb.total_cmp(&sa).then_with(|| ia.cmp(ib))
    });
}

/// The regular (undated) items of a segment's list with their scores: the category decay
/// applied, then the best `MIN_PER_CATEGORY` of every category, then the best of the rest.
fn regular_items<'a>(
    segment: &str,
    salt: u64,
    products: &'a [Product],
    wanted: usize,
) -> Vec<(&'a Product, f64)> {
    let special = [EXPIRED, FUTURE, WINDOWED, HOSTILE];
    let mut scored: Vec<(&Product, f64)> = products
        .iter()
        .filter(|p| !special.contains(&p.id.as_str()))
        .map(|p| (p, raw_score(segment, salt, p)))
        .collect();
    sort_desc(&mut scored, |(p, s)| (*s, p.id.as_str()));
    if segment != "bot" {
        let mut seen: BTreeMap<&str, i32> = BTreeMap::new();
        for (p, score) in &mut scored {
            let count = seen.entry(p.category).or_default();
            *score *= CATEGORY_DECAY.powi(*count);
            *count += 1;
        }
        sort_desc(&mut scored, |(p, s)| (*s, p.id.as_str()));
    }
    let mut taken = vec![false; scored.len()];
    let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
    for (take, (p, _)) in taken.iter_mut().zip(&scored) {
        let count = per_category.entry(p.category).or_default();
        if *count < MIN_PER_CATEGORY {
            *count += 1;
            *take = true;
        }
    }
    let mut room = wanted.saturating_sub(taken.iter().filter(|t| **t).count());
    for take in &mut taken {
        if room > 0 && !*take {
            *take = true;
            room -= 1;
        }
    }
    scored
        .into_iter()
        .zip(taken)
        .filter_map(|(item, take)| take.then_some(item))
        .collect()
}

fn item(p: &Product, score: f64) -> Item<'_> {
    let (starts, ends) = match p.id.as_str() {
        EXPIRED => (None, Some(LONG_AGO)),
        FUTURE => (Some(FAR_FUTURE), None),
        WINDOWED => (Some(LONG_AGO), Some(FAR_FUTURE)),
        _ => (None, None),
    };
    Item {
        id: &p.id,
        title: &p.title,
        url: format!("/p/{}", p.id),
        image: format!("photos/item-{:02}.jpg", (p.number - 1) % PHOTOS + 1),
        category: p.category,
        score: round2(score),
        starts,
        ends,
    }
}

fn find<'a>(products: &'a [Product], id: &str) -> Result<&'a Product> {
    products
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| format!("{id} is not in the catalogue").into())
}

/// A segment's list: the regular items plus the dated ones (expired and future on top, so a
/// test sees them filtered; the windowed one fourth among live items) and, in `sale`, the
/// hostile item leading the live items.
fn segment_list<'a>(
    segment: &'a str,
    salt: u64,
    products: &'a [Product],
    length: usize,
) -> Result<List<'a>> {
    let hostile = segment == "sale";
    let dated = 3 + usize::from(hostile);
    let regular = regular_items(segment, salt, products, length.saturating_sub(dated));
    let score_at = |i: usize| regular.get(i).map_or(0.0, |(_, s)| *s);
    let top = score_at(0);
    let mut extra = vec![
        (EXPIRED, top * 1.08),
        (FUTURE, top * 1.04),
        (WINDOWED, f64::midpoint(score_at(2), score_at(3))),
    ];
    if hostile {
        extra.push((HOSTILE, top * 1.02));
    }
    let mut items: Vec<Item<'a>> = regular.iter().map(|(p, s)| item(p, *s)).collect();
    for (id, score) in extra {
        items.push(item(find(products, id)?, score));
    }
    sort_desc(&mut items, |i| (i.score, i.id));
    Ok(List {
        segment,
        version: VERSION,
        items,
    })
}

/// The bundled fallback: the most popular undated items of every category, no windows.
fn default_list(products: &[Product]) -> List<'_> {
    let special = [EXPIRED, FUTURE, WINDOWED, HOSTILE];
    let mut ranked: Vec<&Product> = products
        .iter()
        .filter(|p| !special.contains(&p.id.as_str()))
        .collect();
    sort_desc(&mut ranked, |p| (p.popularity, p.id.as_str()));
    let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
    let mut items = Vec::new();
    for p in ranked {
        let count = per_category.entry(p.category).or_default();
        if *count < DEFAULT_PER_CATEGORY {
            *count += 1;
            items.push(item(p, p.popularity));
        }
    }
    List {
        segment: "default",
        version: VERSION,
        items,
    }
}

fn category_counts<'a>(items: &[Item<'a>]) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item.category).or_default() += 1;
    }
    counts
}

/// The properties tests rely on; a violation stops the generator before anything is written.
fn check(list: &List<'_>, length: usize, per_category: usize) -> Result<()> {
    let fail = |what: &str| -> Result<()> { Err(format!("{}: {what}", list.segment).into()) };
    let ids: HashSet<&str> = list.items.iter().map(|i| i.id).collect();
    if list.items.len() != length || ids.len() != length {
        return fail("wrong length or duplicate ids");
    }
    if list.items.windows(2).any(|w| match w {
        [a, b] => a.score < b.score,
        _ => false,
    }) {
        return fail("not sorted by score");
    }
    let counts = category_counts(&list.items);
    if counts.len() != CATEGORIES.len() || counts.values().any(|&n| n < per_category) {
        return fail("a category has fewer than the minimum items");
    }
    let top: HashSet<&str> = list
        .items
        .iter()
        .filter(|i| i.id != EXPIRED && i.id != FUTURE)
        .take(TOP)
        .map(|i| i.category)
        .collect();
    if top.len() < MIN_TOP_CATEGORIES {
        return fail("too few categories at the top");
    }
    if list.segment == "default" {
        if list
            .items
            .iter()
            .any(|i| i.starts.is_some() || i.ends.is_some())
        {
            return fail("the fallback has a dated item");
        }
        return Ok(());
    }
    let first3: Vec<&str> = list.items.iter().take(3).map(|i| i.id).collect();
    if !first3.contains(&EXPIRED) || !first3.contains(&FUTURE) || !ids.contains(WINDOWED) {
        return fail("dated items missing or not on top");
    }
    let live_first = list
        .items
        .iter()
        .find(|i| i.id != EXPIRED && i.id != FUTURE)
        .map(|i| i.id);
    match (list.segment == "sale", ids.contains(HOSTILE), live_first) {
        (true, true, Some(HOSTILE)) | (false, false, _) => Ok(()),
        _ => fail("the hostile item is misplaced"),
    }
}

/// A path as printed: relative to the crate root.
fn shown(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn write_list(path: &Path, list: &List<'_>) -> Result<()> {
    let mut json = serde_json::to_string_pretty(list)?;
    json.push('\n');
    std::fs::write(path, json)?;
    let counts = category_counts(&list.items);
    let summary: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
    println!(
        "{}: {} items, {} categories ({})",
        shown(path),
        list.items.len(),
        counts.len(),
        summary.join(", ")
    );
    Ok(())
}

fn main() -> Result<()> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let products = catalogue()?;
    let mut lists = Vec::new();
    for (salt, (segment, length)) in (100u64..).zip(SEGMENTS) {
        let list = segment_list(segment, salt, &products, length)?;
        check(&list, length, MIN_PER_CATEGORY)?;
        lists.push(list);
    }
    let fallback = default_list(&products);
    check(
        &fallback,
        DEFAULT_PER_CATEGORY * CATEGORIES.len(),
        DEFAULT_PER_CATEGORY,
    )?;

    let dir = demo.join("kv").join("recs").join(VERSION);
    std::fs::create_dir_all(&dir)?;
    for list in &lists {
        write_list(&dir.join(format!("{}.json", list.segment)), list)?;
    }
    let pointer = demo.join("kv").join("recs").join("current");
    std::fs::write(&pointer, VERSION)?;
    println!("{}: {VERSION}", shown(&pointer));
    write_list(&demo.join("default-recs.json"), &fallback)
}
