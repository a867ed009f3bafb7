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

async function ask(script, query) {
  const pagefind = await import(bundle(script));
  await pagefind.options({ baseUrl: new URL("../", import.meta.url).pathname });
  return (await pagefind.search(query)).results;
}

// Each index's scores against its own best: two indexes weigh words differently.
const relative = (results) => results.map((r) => ({ r, rank: r.score / results[0].score }));

// The whole index; after a local rebuild (data-delta), without the entries of the
// articles changed since it was made, and with those articles from the delta index
// (first among equals).
async function find(query) {
  if (!("delta" in list.dataset)) return ask("pagefind.js", query);
  const info = await (await fetch(bundle("delta.json"))).json();
  const replaced = new Set(info.replaced);
  const found = (await ask("pagefind.js", query)).filter((r) => !replaced.has(r.id));
  if (!info.delta) return found;
  const added = await ask("delta/pagefind.js", query);
  if (!found.length || !added.length) return [...added, ...found];
  const merged = [...relative(added), ...relative(found)];
  return merged.sort((a, b) => b.rank - a.rank).map(({ r }) => r);
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
