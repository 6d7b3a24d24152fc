/// The one style sheet and the one script of the pages (served under /assets/ so that the Content
/// Security Policy allows no inline script or style).
enum Assets {
    static let css = """
    :root{--fg:#1d2330;--muted:#5b6475;--line:#d9dde5;--bg:#fff;--accent:#2456c7;--ok:#1f7a3f;--warn:#a86400;--bad:#b3261e;--soft:#f4f6fa}
    *{box-sizing:border-box}
    body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
    header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid var(--line);background:var(--soft)}
    header nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem}
    header .product{font-weight:600;margin-right:auto}
    a{color:var(--accent)}
    main{max-width:60rem;margin:0 auto;padding:1rem}
    h1{font-size:1.45rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}
    h2{font-size:1.15rem;margin:1.4rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
    table{border-collapse:collapse;width:100%;font-size:.95rem}
    th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
    .scroll{overflow-x:auto}
    .badge{display:inline-block;padding:0 .45rem;border-radius:.7rem;font-size:.8rem;background:var(--soft);border:1px solid var(--line)}
    .s-active{background:#e3f0ff;border-color:#9bbcf0}.s-achieved{background:#e4f5e9;border-color:#9fd3ae}.s-abandoned{background:#f7e6e4;border-color:#e0aaa4}
    .muted{color:var(--muted)}.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
    progress{width:100%;min-width:4rem;height:.7rem;accent-color:var(--accent)}
    .notice{padding:.6rem .8rem;border-radius:.4rem;margin:.6rem 0;background:#eef5ff;border:1px solid #bcd3f5}
    .notice.error{background:#fdecea;border-color:#f0b4ad}
    .notice.ok{background:#e9f6ee;border-color:#a9d8b8}
    form.inline{display:inline}
    form.card{border:1px solid var(--line);border-radius:.5rem;padding:.7rem;margin:.6rem 0;background:#fcfcfd}
    label{display:block;font-size:.9rem;color:var(--muted);margin:.45rem 0 .15rem}
    input[type=text],input[type=search],input[type=date],input[type=number],select,textarea{width:100%;font:inherit;padding:.35rem .45rem;border:1px solid var(--line);border-radius:.3rem;background:#fff}
    textarea{min-height:8rem}
    .row{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:0 .7rem}
    .field-error{color:var(--bad);font-size:.88rem;margin:.15rem 0}
    button{font:inherit;padding:.35rem .8rem;border-radius:.3rem;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;margin:.4rem .3rem 0 0}
    button[disabled]{opacity:.45;cursor:not-allowed}
    tbody th{white-space:nowrap}
    button.secondary{background:#fff;color:var(--accent)}
    button.danger{background:#fff;color:var(--bad);border-color:var(--bad)}
    ul.plain{list-style:none;padding:0;margin:.2rem 0}
    ul.plain li{padding:.3rem 0;border-bottom:1px solid var(--line)}
    .history li{margin-bottom:.5rem}
    .history .lines{margin:.2rem 0 0 .8rem;font-size:.92rem}
    .add{color:var(--ok)}.rem{color:var(--bad)}
    #changed{position:fixed;bottom:1rem;left:1rem;right:1rem;max-width:30rem;margin:auto}
    @media (max-width:600px){main{padding:.6rem}th,td{padding:.3rem .25rem}.hide-small{display:none}}
    """

    static let js = """
    // Reloads the page when the repository changes underneath (a CLI command, a git pull), unless
    // the person is typing in a form: then a notice offers the reload. Shows a running sync's progress.
    (function () {
      var shown = document.body.getAttribute('data-generation');
      var dirty = false;
      document.addEventListener('input', function () { dirty = true; });
      function poll() {
        fetch('/api/state', {credentials: 'same-origin', cache: 'no-store'}).then(function (r) { return r.json(); }).then(function (s) {
          var p = document.getElementById('sync-progress');
          if (p) { p.textContent = s.sync.message; }
          if (p && s.sync.running === false && p.getAttribute('data-running') === 'true') { location.reload(); return; }
          if (shown !== null && String(s.generation) !== shown) {
            if (dirty) { var n = document.getElementById('changed'); if (n) { n.hidden = false; } }
            else if (!(p && s.sync.running)) { location.reload(); return; }
          }
          setTimeout(poll, s.sync.running ? 500 : 1500);
        }).catch(function () { setTimeout(poll, 3000); });
      }
      setTimeout(poll, 1500);
    })();
    """
}
