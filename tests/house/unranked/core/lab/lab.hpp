#pragma once
// Breaks the house on purpose: a folder that is not in the rank list.
