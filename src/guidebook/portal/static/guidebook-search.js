/* guidebook: a guide's search page (loaded on search.html only, after Sphinx's searchtools.js).
 *
 * 1. Result summaries come from the found pages' text: leave out the guide bar, the
 *    switcher and the version and language switchers guidebook puts at the top of pages.
 * 2. "Also found in": search every other part's own index for the same words, one index at
 *    a time with Sphinx's own query code, and link each part that has results to its
 *    search page for the same words. The part's own index and results stay as they are.
 */
(() => {
  "use strict";
  if (typeof Search === "undefined") return;

  const GUIDEBOOK_MARKUP = [
    ".guidebook-guidebar", ".guidebook-switcher", ".guidebook-versions",
    ".guidebook-version-banner", ".guidebook-languages",
  ].join(", ");
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(GUIDEBOOK_MARKUP).forEach((element) => element.remove());
    return htmlToText(page.documentElement.outerHTML, anchor);
  };

  const data = document.getElementById("guidebook-other-indexes");
  const query = new URLSearchParams(window.location.search).get("q");
  if (!data || !query || !query.trim()) return;
  const others = JSON.parse(data.textContent);

  // Every searchindex.js calls Search.setIndex(): an index this script loaded goes to the
  // promise waiting for it (document.currentScript is the script that is running), every
  // other call, the part's own index, to Sphinx.
  const waiting = new Map();
  const setIndex = Search.setIndex;
  Search.setIndex = (index) => {
    const resolve = waiting.get(document.currentScript);
    if (resolve === undefined) {
      setIndex(index);
      return;
    }
    waiting.delete(document.currentScript);
    resolve(index);
  };
  const loadIndex = (url) => new Promise((resolve) => {
    const script = document.createElement("script");
    waiting.set(script, resolve);
    const done = () => {
      if (waiting.delete(script)) resolve(null);
    };
    script.onload = done;
    script.onerror = done;
    script.src = url;
    document.body.appendChild(script);
  });

  // The number of results Sphinx's search page of that part would list.
  const countResults = (index) => {
    const own = Search._index;
    Search._index = index;
    try {
      return Search._performSearch(...Search._parseQuery(query)).length;
    } catch (error) {
      console.warn("guidebook: cannot search another guide's index", error);
      return 0;
    } finally {
      Search._index = own;
    }
  };

  const show = (found) => {
    if (!found.length) return;
    const hint = document.createElement("p");
    hint.className = "guidebook-also-found";
    hint.append("Also found in: ");
    found.forEach(({ other, count }, position) => {
      if (position) hint.append(", ");
      const link = hint.appendChild(document.createElement("a"));
      link.href = `${other.search}?q=${encodeURIComponent(query)}`;
      link.textContent = `${other.title} (${count})`;
    });
    const results = document.getElementById("search-results");
    const anchor = results && (results.closest("form") || results);
    if (anchor) anchor.after(hint);
    else document.querySelector('[role="main"]').append(hint);
  };

  const searchOthers = async () => {
    const found = [];
    for (const other of others) {
      const index = await loadIndex(other.index);
      const count = index ? countResults(index) : 0;
      if (count) found.push({ other, count });
    }
    show(found);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", searchOthers);
  else searchOthers();
})();
