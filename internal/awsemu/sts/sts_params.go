package sts

// maxSessionDuration is the largest DurationSeconds STS accepts (a role's MaxSessionDuration
// can be at most this too).
const maxSessionDuration = 43200
