//! Twin of richards.lox: AWFY's Richards, a simulated task scheduler.
//!
//! Tasks and packets are objects that link to each other, so they live in two
//! `Vec`s and link by index. Each task's behaviour is a function pointer kept
//! in its control block (a closure over the scheduler in the Lox program and
//! in AWFY's Java), called with the packet; it finds its private data record
//! in its block.

type PacketId = usize;
type TaskId = usize;

const IDLER: usize = 0;
const WORKER: usize = 1;
const HANDLER_A: usize = 2;
const HANDLER_B: usize = 3;
const DEVICE_A: usize = 4;
const DEVICE_B: usize = 5;
const NUM_TYPES: usize = 6;

const DEVICE_PACKET_KIND: usize = 0;
const WORK_PACKET_KIND: usize = 1;
const DATA_SIZE: usize = 4;

struct Packet {
    link: Option<PacketId>,
    identity: usize,
    kind: usize,
    datum: usize,
    data: [u32; DATA_SIZE],
}

/// The private data of each kind of task.
enum DataRecord {
    Device { pending: Option<PacketId> },
    Handler { work_in: Option<PacketId>, device_in: Option<PacketId> },
    Idle { control: u32, count: u32 },
    Worker { destination: usize, count: u32 },
}

/// A task's state: whether a packet is pending, and whether the task waits
/// or is held.
#[derive(Clone, Copy)]
struct TaskState {
    packet_pending: bool,
    task_waiting: bool,
    task_holding: bool,
}

impl TaskState {
    fn running() -> TaskState {
        TaskState { packet_pending: false, task_waiting: false, task_holding: false }
    }

    fn waiting() -> TaskState {
        TaskState { packet_pending: false, task_waiting: true, task_holding: false }
    }

    fn waiting_with_packet() -> TaskState {
        TaskState { packet_pending: true, task_waiting: true, task_holding: false }
    }

    fn is_task_holding_or_waiting(&self) -> bool {
        self.task_holding || (!self.packet_pending && self.task_waiting)
    }

    fn is_waiting_with_packet(&self) -> bool {
        self.packet_pending && self.task_waiting && !self.task_holding
    }
}

type TaskFunction = fn(&mut Scheduler, Option<PacketId>, TaskId) -> Option<TaskId>;

struct TaskControlBlock {
    link: Option<TaskId>,
    identity: usize,
    priority: u32,
    input: Option<PacketId>,
    state: TaskState,
    function: TaskFunction,
    handle: DataRecord,
}

struct Scheduler {
    packets: Vec<Packet>,
    tasks: Vec<TaskControlBlock>,
    task_list: Option<TaskId>,
    current_task: Option<TaskId>,
    current_task_identity: usize,
    task_table: [Option<TaskId>; NUM_TYPES],
    queue_packet_count: u32,
    hold_count: u32,
}

impl Scheduler {
    fn new() -> Scheduler {
        Scheduler {
            packets: Vec::new(),
            tasks: Vec::new(),
            task_list: None,
            current_task: None,
            current_task_identity: 0,
            task_table: [None; NUM_TYPES],
            queue_packet_count: 0,
            hold_count: 0,
        }
    }

    /// Appends `packet` to the queue at `queue_head`; answers the head.
    fn append(&mut self, packet: PacketId, queue_head: Option<PacketId>) -> Option<PacketId> {
        self.packets[packet].link = None;
        let Some(head) = queue_head else {
            return Some(packet);
        };
        let mut mouse = head;
        while let Some(link) = self.packets[mouse].link {
            mouse = link;
        }
        self.packets[mouse].link = Some(packet);
        Some(head)
    }

    fn create_packet(&mut self, link: Option<PacketId>, identity: usize, kind: usize) -> Option<PacketId> {
        self.packets.push(Packet { link, identity, kind, datum: 0, data: [0; DATA_SIZE] });
        Some(self.packets.len() - 1)
    }

    fn create_task(
        &mut self,
        identity: usize,
        priority: u32,
        work: Option<PacketId>,
        state: TaskState,
        function: TaskFunction,
        handle: DataRecord,
    ) {
        self.tasks.push(TaskControlBlock {
            link: self.task_list,
            identity,
            priority,
            input: work,
            state,
            function,
            handle,
        });
        let task = self.tasks.len() - 1;
        self.task_list = Some(task);
        self.task_table[identity] = Some(task);
    }

    fn start(&mut self) {
        self.create_task(IDLER, 0, None, TaskState::running(), idler, DataRecord::Idle { control: 1, count: 10000 });
        let mut work_q = self.create_packet(None, WORKER, WORK_PACKET_KIND);
        work_q = self.create_packet(work_q, WORKER, WORK_PACKET_KIND);
        let worker_data = DataRecord::Worker { destination: HANDLER_A, count: 0 };
        self.create_task(WORKER, 1000, work_q, TaskState::waiting_with_packet(), worker, worker_data);

        work_q = self.create_packet(None, DEVICE_A, DEVICE_PACKET_KIND);
        work_q = self.create_packet(work_q, DEVICE_A, DEVICE_PACKET_KIND);
        work_q = self.create_packet(work_q, DEVICE_A, DEVICE_PACKET_KIND);
        let handler_data = DataRecord::Handler { work_in: None, device_in: None };
        self.create_task(HANDLER_A, 2000, work_q, TaskState::waiting_with_packet(), handler, handler_data);

        work_q = self.create_packet(None, DEVICE_B, DEVICE_PACKET_KIND);
        work_q = self.create_packet(work_q, DEVICE_B, DEVICE_PACKET_KIND);
        work_q = self.create_packet(work_q, DEVICE_B, DEVICE_PACKET_KIND);
        let handler_data = DataRecord::Handler { work_in: None, device_in: None };
        self.create_task(HANDLER_B, 3000, work_q, TaskState::waiting_with_packet(), handler, handler_data);

        let device_data = DataRecord::Device { pending: None };
        self.create_task(DEVICE_A, 4000, None, TaskState::waiting(), device, device_data);
        let device_data = DataRecord::Device { pending: None };
        self.create_task(DEVICE_B, 5000, None, TaskState::waiting(), device, device_data);

        self.schedule();
    }

    fn find_task(&self, identity: usize) -> TaskId {
        self.task_table[identity].expect("findTask failed")
    }

    fn current(&self) -> TaskId {
        self.current_task.expect("a task is running")
    }

    fn hold_self(&mut self) -> Option<TaskId> {
        self.hold_count += 1;
        let current = self.current();
        self.tasks[current].state.task_holding = true;
        self.tasks[current].link
    }

    fn queue_packet(&mut self, packet: PacketId) -> Option<TaskId> {
        let task = self.find_task(self.packets[packet].identity);
        self.queue_packet_count += 1;
        self.packets[packet].link = None;
        self.packets[packet].identity = self.current_task_identity;
        self.add_input_and_check_priority(task, packet, self.current())
    }

    fn add_input_and_check_priority(&mut self, task: TaskId, packet: PacketId, old_task: TaskId) -> Option<TaskId> {
        match self.tasks[task].input {
            None => {
                self.tasks[task].input = Some(packet);
                self.tasks[task].state.packet_pending = true;
                if self.tasks[task].priority > self.tasks[old_task].priority {
                    return Some(task);
                }
            }
            Some(input) => {
                self.tasks[task].input = self.append(packet, Some(input));
            }
        }
        Some(old_task)
    }

    fn release(&mut self, identity: usize) -> Option<TaskId> {
        let task = self.find_task(identity);
        self.tasks[task].state.task_holding = false;
        let current = self.current();
        if self.tasks[task].priority > self.tasks[current].priority {
            return Some(task);
        }
        Some(current)
    }

    fn wait_task(&mut self) -> Option<TaskId> {
        let current = self.current();
        self.tasks[current].state.task_waiting = true;
        Some(current)
    }

    fn run_task(&mut self, task: TaskId) -> Option<TaskId> {
        let message;
        if self.tasks[task].state.is_waiting_with_packet() {
            message = self.tasks[task].input;
            let input = self.packets[message.expect("a pending packet")].link;
            self.tasks[task].input = input;
            self.tasks[task].state = if input.is_none() {
                TaskState::running()
            } else {
                TaskState { packet_pending: true, task_waiting: false, task_holding: false }
            };
        } else {
            message = None;
        }
        (self.tasks[task].function)(self, message, task)
    }

    fn schedule(&mut self) {
        self.current_task = self.task_list;
        while let Some(current) = self.current_task {
            if self.tasks[current].state.is_task_holding_or_waiting() {
                self.current_task = self.tasks[current].link;
            } else {
                self.current_task_identity = self.tasks[current].identity;
                self.current_task = self.run_task(current);
            }
        }
    }
}

fn device(scheduler: &mut Scheduler, packet: Option<PacketId>, task: TaskId) -> Option<TaskId> {
    let DataRecord::Device { pending } = &mut scheduler.tasks[task].handle else {
        unreachable!("a device task has a device record")
    };
    match packet {
        None => match pending.take() {
            None => scheduler.wait_task(),
            Some(work) => scheduler.queue_packet(work),
        },
        Some(work) => {
            *pending = Some(work);
            scheduler.hold_self()
        }
    }
}

fn handler(scheduler: &mut Scheduler, packet: Option<PacketId>, task: TaskId) -> Option<TaskId> {
    if let Some(work) = packet {
        let DataRecord::Handler { work_in, device_in } = scheduler.tasks[task].handle else {
            unreachable!("a handler task has a handler record")
        };
        let (work_in, device_in) = if scheduler.packets[work].kind == WORK_PACKET_KIND {
            (scheduler.append(work, work_in), device_in)
        } else {
            (work_in, scheduler.append(work, device_in))
        };
        scheduler.tasks[task].handle = DataRecord::Handler { work_in, device_in };
    }
    let DataRecord::Handler { work_in, device_in } = &mut scheduler.tasks[task].handle else {
        unreachable!("a handler task has a handler record")
    };
    let Some(work_packet) = *work_in else {
        return scheduler.wait_task();
    };
    let count = scheduler.packets[work_packet].datum;
    if count >= DATA_SIZE {
        *work_in = scheduler.packets[work_packet].link;
        return scheduler.queue_packet(work_packet);
    }
    let Some(device_packet) = *device_in else {
        return scheduler.wait_task();
    };
    *device_in = scheduler.packets[device_packet].link;
    scheduler.packets[device_packet].datum = scheduler.packets[work_packet].data[count] as usize;
    scheduler.packets[work_packet].datum = count + 1;
    scheduler.queue_packet(device_packet)
}

fn idler(scheduler: &mut Scheduler, _packet: Option<PacketId>, task: TaskId) -> Option<TaskId> {
    let DataRecord::Idle { control, count } = &mut scheduler.tasks[task].handle else {
        unreachable!("the idle task has an idle record")
    };
    *count -= 1;
    if *count == 0 {
        return scheduler.hold_self();
    }
    if *control & 1 == 0 {
        *control /= 2;
        return scheduler.release(DEVICE_A);
    }
    *control = (*control / 2) ^ 0xD008;
    scheduler.release(DEVICE_B)
}

fn worker(scheduler: &mut Scheduler, packet: Option<PacketId>, task: TaskId) -> Option<TaskId> {
    let Some(work) = packet else {
        return scheduler.wait_task();
    };
    let DataRecord::Worker { destination, count } = &mut scheduler.tasks[task].handle else {
        unreachable!("the worker task has a worker record")
    };
    *destination = if *destination == HANDLER_A { HANDLER_B } else { HANDLER_A };
    let packet = &mut scheduler.packets[work];
    packet.identity = *destination;
    packet.datum = 0;
    for i in 0..DATA_SIZE {
        *count += 1;
        if *count > 26 {
            *count = 1;
        }
        packet.data[i] = 65 + *count - 1;
    }
    scheduler.queue_packet(work)
}

pub fn run(n: u64) -> String {
    let mut counts = (0, 0);
    for _ in 0..n {
        let mut scheduler = Scheduler::new();
        scheduler.start();
        counts = (scheduler.queue_packet_count, scheduler.hold_count);
        if counts != (23246, 9297) {
            return format!("{}\n{}\nfalse\n", counts.0, counts.1);
        }
    }
    if n == 0 {
        return "nil\nnil\ntrue\n".to_string();
    }
    format!("{}\n{}\ntrue\n", counts.0, counts.1)
}
