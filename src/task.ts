/** A submitted cover task. */
export interface CoverTaskInit {
  taskId: string;
  parentTaskId: string;
  existing: boolean;
  callbackUrl: string | null;
}

/**
A cover task as `covers.generate()` returns it: the new cover task id, the music task it
was made for, and whether the host already had a cover for that music task.
*/
export class CoverTask {
  /** The cover task id (use it with `covers.get()`). */
  readonly taskId: string;
  /** The music task id the cover was requested for. */
  readonly parentTaskId: string;
  /**
  `true` when the host answered "cover already generated" with the existing task's id
  (code 400 or 409): no new task was created and no credits were spent.
  */
  readonly existing: boolean;
  /** The callBackUrl sent with the task, or `null` when none was set (results come by polling). */
  readonly callbackUrl: string | null;

  constructor(init: CoverTaskInit) {
    this.taskId = init.taskId;
    this.parentTaskId = init.parentTaskId;
    this.existing = init.existing;
    this.callbackUrl = init.callbackUrl;
  }
}
