"""The pages, charts, feeds and exports of an analysed site, and its theme."""
