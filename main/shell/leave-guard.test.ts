// Closing, reloading or quitting with unsaved work: the question, and what each answer does.

import { describe, expect, it } from 'vitest';
import { LeaveGuard, leaveQuestion } from './leave-guard.ts';

describe('leave guard', () => {
  it('asks keep editing, save or discard, with keep editing as the default and Escape', () => {
    const question = leaveQuestion('quit');
    expect(question.buttons).toEqual(['Keep editing', 'Save', 'Discard']);
    expect(question.defaultId).toBe(0);
    expect(question.cancelId).toBe(0);
    expect(question.detail).toBe('They are lost by quitting Flakedeck, unless you save them first.');
  });

  it('keeps the window on Keep editing, lets it go on Discard', () => {
    const guard = new LeaveGuard();
    guard.closing();
    expect(guard.leaving).toBe('close');
    expect(guard.answer(0)).toEqual({ proceed: false, command: null });
    // The next blocked unload without a close before it is a reload.
    expect(guard.leaving).toBe('reload');
    guard.closing();
    expect(guard.answer(2)).toEqual({ proceed: true, command: null });
  });

  it('on Save, has the page save and then close or reload itself; a quit goes on once the window closed', () => {
    const guard = new LeaveGuard();
    expect(guard.answer(1)).toEqual({ proceed: false, command: { command: 'save-unsaved', then: 'reload' } });
    expect(guard.closed()).toBe(false);

    guard.quitting();
    guard.closing(); // quitting closes the window: still a quit
    expect(guard.answer(1)).toEqual({ proceed: false, command: { command: 'save-unsaved', then: 'quit' } });
    expect(guard.closed()).toBe(true);
    expect(guard.closed()).toBe(false);
  });
});
