// "Select all on this page" on the invocation list: ticks or unticks every row's box, and shows itself
// half-ticked when only some rows are.
document.addEventListener("DOMContentLoaded", () => {
    const all = document.getElementById("select-page");
    if (!all) {
        return;
    }
    const rows = () => Array.from(document.querySelectorAll("input.select-one"));
    all.addEventListener("change", () => rows().forEach(box => { box.checked = all.checked; }));
    document.addEventListener("change", event => {
        if (event.target.classList && event.target.classList.contains("select-one")) {
            const ticked = rows().filter(box => box.checked).length;
            all.checked = ticked === rows().length;
            all.indeterminate = ticked > 0 && ticked < rows().length;
        }
    });
});
