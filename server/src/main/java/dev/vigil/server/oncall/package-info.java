/**
 * On-call: schedules (rotations in layers with priorities, handoff times and time zones, overrides, swaps, leave,
 * holidays; exact "who is on call at T" across DST), escalation policies (ordered notify/wait/webhook steps with
 * conditions, round robin, repeats, acknowledgement timeout 20 minutes by default, reminders), per-person
 * notification rules (default and important), and paging: {@link dev.vigil.server.oncall.PagingService} starts an
 * escalation with a snapshot of its policy and drives it with durable db-scheduler timers until someone acknowledges
 * or resolves (by API, UI or a signed single-use link in a notification). Pages start from incidents (issue 7) or,
 * until then, from alerts at or above a level. Notifications go out through the notify module.
 */
@org.springframework.modulith.ApplicationModule(displayName = "On-call")
package dev.vigil.server.oncall;
