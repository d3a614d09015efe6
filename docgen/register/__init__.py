"""The outgoing register as Nghị định 30/2020 wants it: the printable book (Phụ lục IV,
`book`), each issued document's metadata (Phụ lục VI, `metadata`) and the exchange package
with the PDFs (`package`); `cli` holds `docgen register`."""
