// The join page: warn before this browser trades an existing seat for a new one.
//
// The credential a join returns replaces the one stored for the board, so a facilitator who
// opens their own invite link in the same browser and joins would stop being the facilitator
// here. The form still works; the page just says so first.

import { hasCredential } from "./credential.js";

const boardId = document.body.dataset.boardId;
if (boardId && hasCredential(boardId)) {
  document.getElementById("already-here").hidden = false;
}
