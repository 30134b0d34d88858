// The browser note-taker (written on the webpage branch).
