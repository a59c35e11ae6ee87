import { describe, expect, test } from "bun:test";
import { dayWithMonthName, dayWithWeekday } from "../../src/render/dates.ts";

describe("dayWithMonthName", () => {
  test("shows a day as the report does: day without a leading zero, month name, year", () => {
    expect(dayWithMonthName("2026-11-24")).toBe("24 Nov 2026");
    expect(dayWithMonthName("2026-03-08")).toBe("8 Mar 2026");
    expect(dayWithMonthName("2024-02-29")).toBe("29 Feb 2024");
    expect(dayWithMonthName("2027-01-01")).toBe("1 Jan 2027");
    expect(dayWithMonthName("1999-12-31")).toBe("31 Dec 1999");
  });

  test("every month has its own name", () => {
    const names = Array.from({ length: 12 }, (_, i) => dayWithMonthName(`2026-${String(i + 1).padStart(2, "0")}-15`).split(" ")[1]);
    expect(names).toEqual(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]);
  });
});

describe("dayWithWeekday", () => {
  test("shows a day as the history list does: weekday, then DD.MM.YYYY", () => {
    expect(dayWithWeekday("2026-11-23")).toBe("Mon 23.11.2026");
    expect(dayWithWeekday("2026-03-08")).toBe("Sun 08.03.2026");
    expect(dayWithWeekday("2026-03-29")).toBe("Sun 29.03.2026");
    expect(dayWithWeekday("2024-02-29")).toBe("Thu 29.02.2024");
    expect(dayWithWeekday("2000-01-01")).toBe("Sat 01.01.2000");
  });

  test("seven days in a row have seven different weekdays, in order", () => {
    const week = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"];
    expect(week.map((day) => dayWithWeekday(day).slice(0, 3))).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
  });
});

test("what is not a real YYYY-MM-DD day is shown as it is, not as another day", () => {
  for (const odd of ["", "2026-11", "24.11.2026", "2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "2026-11-24T00:00:00Z"]) {
    expect(dayWithMonthName(odd)).toBe(odd);
    expect(dayWithWeekday(odd)).toBe(odd);
  }
});
