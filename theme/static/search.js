// The search page's script, and the site's only one: it reads ?q= from the
// address, asks the Pagefind index (pagefind/, made at build time) and lists
// what it finds. Without it the page says that search needs JavaScript.
const MAX_RESULTS = 20;
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const input = document.getElementById("search-page");
const query = (new URLSearchParams(location.search).get("q") || "").trim();

// An excerpt is text with <mark> around the words found: keep exactly that.
function excerpt(html) {
  const paragraph = document.createElement("p");
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function entry(result) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title;
  heading.append(link);
  item.append(heading, excerpt(result.excerpt));
  return item;
}

// This file lives in theme/, one folder below the site's root, which may be a path (/blog/).
const bundle = (path) => new URL(`../pagefind/${path}`, import.meta.url).href;

// The whole index: the shards past its first are listed in shards.json and merged
// into the first, so that Pagefind loads its code once.
async function find(query) {
  const [pagefind, shards] = await Promise.all([
    import(bundle("pagefind.js")),
    fetch(bundle("shards.json")).then((response) => response.json()),
  ]);
  const baseUrl = new URL("../", import.meta.url).pathname;
  await pagefind.options({ baseUrl });
  await Promise.all(shards.map((shard) => pagefind.mergeIndex(bundle(shard), { baseUrl })));
  return (await pagefind.search(query)).results;
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
