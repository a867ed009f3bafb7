// The search page's script, and the site's only one: it reads ?q= from the
// address, asks the Pagefind index (pagefind/, made at build time) and lists
// what it finds. Without it the page says that search needs JavaScript.
const MAX_RESULTS = 20;
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const input = document.getElementById("search-page");
const query = (new URLSearchParams(location.search).get("q") || "").trim();

// An excerpt is the page's text with <mark> around the words found, and its < and >
// written &lt; and &gt; (Pagefind's escaping, which leaves & alone): undo exactly
// that, and parse no HTML.
const text = (escaped) => escaped.replaceAll("&lt;", "<").replaceAll("&gt;", ">");

// The excerpt's pieces: words outside marks at even places, marked words at odd ones.
const pieces = (marked) => marked.split(/<mark>(.*?)<\/mark>/s).map(text);

// Without its first `count` characters.
function drop(parts, count) {
  let left = count;
  return parts.map((part) => {
    const cut = Math.min(left, part.length);
    left -= cut;
    return part.slice(cut);
  });
}

// The excerpt of a result, as a paragraph: without the title the result's heading already
// shows (the indexed text starts with it), and with "…" where it cuts the text short.
function excerpt(result) {
  let parts = pieces(result.excerpt);
  const plain = parts.join("");
  const content = result.content.replace(/\s+/g, " ").trim();
  const whole = plain.replace(/\s+/g, " ").trim();
  const atStart = content.startsWith(whole);
  const title = result.meta.title;
  if (atStart && plain.startsWith(title)) {
    const rest = plain.slice(title.length);
    parts = drop(parts, plain.length - rest.replace(/^[\s.:;,!?]+/, "").length);
  }
  const paragraph = document.createElement("p");
  if (!atStart) paragraph.append("… ");
  parts.forEach((part, n) => {
    if (!part) return;
    if (n % 2 === 0) {
      paragraph.append(part);
    } else {
      const mark = document.createElement("mark");
      mark.textContent = part;
      paragraph.append(mark);
    }
  });
  if (!content.endsWith(whole)) paragraph.append(" …");
  return paragraph;
}

function entry(result) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title;
  heading.append(link);
  item.append(heading, excerpt(result));
  return item;
}

// This file lives in theme/, one folder below the site's root, which may be a path (/blog/).
const bundle = (path) => new URL(`../pagefind/${path}`, import.meta.url).href;

// The search page's policy requires Trusted Types for every script URL. Pagefind
// starts its Web Worker from a string, which only a policy named "default" can
// vouch for: this one vouches for that worker's script and for nothing else.
const WORKERS = new Set([bundle("pagefind-worker.js"), bundle("delta/pagefind-worker.js")]);
globalThis.trustedTypes?.createPolicy("default", {
  createScriptURL: (url) => (WORKERS.has(new URL(url, location.href).href) ? url : null),
});

// An index in `folder`: a whole one has the shards past its first listed in
// shards.json, and merges them into the first (Pagefind loads its code once).
async function ask(folder, query) {
  const [pagefind, shards] = await Promise.all([
    import(bundle(`${folder}pagefind.js`)),
    folder ? [] : fetch(bundle("shards.json")).then((response) => response.json()),
  ]);
  const baseUrl = new URL("../", import.meta.url).pathname;
  await pagefind.options({ baseUrl });
  await Promise.all(shards.map((shard) => pagefind.mergeIndex(bundle(shard), { baseUrl })));
  return (await pagefind.search(query)).results;
}

// The whole index; after a local rebuild (data-delta), with each changed article
// from the delta index in the place its last text had in the whole index, or first
// if its last text did not match, and without the articles since removed.
async function find(query) {
  if (!("delta" in list.dataset)) return ask("", query);
  const info = await (await fetch(bundle("delta.json"))).json();
  const replaced = new Set(info.replaced);
  const found = await ask("", query);
  const added = info.delta ? await ask("delta/", query) : [];
  const placed = new Map(added.map((r) => [info.moved[r.id], r]));
  const first = added.filter((r) => !found.some((f) => f.id === info.moved[r.id]));
  const kept = (f) => (placed.has(f.id) ? [placed.get(f.id)] : []);
  return [...first, ...found.flatMap((f) => (replaced.has(f.id) ? kept(f) : [f]))];
}

async function search() {
  input.value = query;
  if (!query) {
    status.textContent = "Type a word or two and press Enter.";
    return;
  }
  status.textContent = `Searching for “${query}”…`;
  const found = await find(query);
  const results = await Promise.all(found.slice(0, MAX_RESULTS).map((r) => r.data()));
  list.replaceChildren(...results.map(entry));
  const count = found.length;
  const shown = count > MAX_RESULTS ? ` (the first ${MAX_RESULTS} shown)` : "";
  status.textContent =
    count === 0
      ? `No article matches “${query}”.`
      : `${count} ${count === 1 ? "article matches" : "articles match"} “${query}”${shown}.`;
}

search().catch(() => {
  status.textContent = "Search could not load. Try again, or browse the archives.";
});
